// Reads and writes for pipeline health, beside the other writes of the daemon's database. The judge (health/) never
// touches SQL; the app's health shell asks this store for a pipeline's recent runs and the schedule its runs
// declared, and saves a verdict only when it changed.
import type { Db } from '../shared/db.js';
import type { RunForHealth, StoredHealth } from '../shared/health.js';

export interface PipelineKey {
  club: string;
  pipeline: string;
}

/** The columns the health judge reads of a run: the shape it is judged in, written once in shared/health.ts. */
export type HealthRunRow = RunForHealth;

/** A run's start, for matching runs to scheduled occurrences. */
export interface RunStartRow {
  id: number;
  startedAt: number;
}

/** `schedule` and `timezone` a run.start line carried (in its data). */
export interface DeclaredSchedule {
  schedule: string;
  timezone: string | null;
}

export interface HealthStore {
  /** Every stored verdict, keyed `club\npipeline`. */
  loadAll(): Map<string, StoredHealth>;
  save(key: PipelineKey, health: StoredHealth, evaluatedAt: number): void;
  /** Appends a state change to `pipeline_health_history`; call inside the transaction that saves `to`. */
  appendHistory(key: PipelineKey, from: StoredHealth | null, to: StoredHealth, at: number): void;
  /** Runs `work` in one (immediate) transaction: a health change and the alerts it causes commit together. */
  inTransaction(work: () => void): void;
  /** Forgets a pipeline: its current health and its history (it has no run and no schedule any more). */
  remove(key: PipelineKey): void;
  /** Every (club, pipeline) with a run. */
  pipelinesWithRuns(): PipelineKey[];
  /** Newest first, undated runs left out (they can't be placed against a schedule). */
  recentRuns(key: PipelineKey, count: number): HealthRunRow[];
  /** Start times of the runs that started at or after `since`, newest first, at most `limit`. */
  runStartsSince(key: PipelineKey, since: number, limit: number): RunStartRow[];
  /** When the pipeline's first recorded run started; null without one. */
  firstRunStartedAt(key: PipelineKey): number | null;
  /** The schedule declared by the newest of the last `lookBack` runs whose run.start carried one. */
  declaredSchedule(key: PipelineKey, lookBack: number): DeclaredSchedule | null;
}

/** run.start is looked for among a run's first lines only. */
export const RUN_START_WITHIN_LINES = 3;

export function healthKey(key: PipelineKey): string {
  return `${key.club}\n${key.pipeline}`;
}

export function createHealthStore(db: Db): HealthStore {
  const client = db.$client;
  const selectAll = client.prepare(
    `SELECT club_slug AS club, pipeline, state, since, reason, watching_since AS watchingSince FROM pipeline_health`,
  );
  const upsert = client.prepare(
    `INSERT INTO pipeline_health (club_slug, pipeline, state, since, reason, watching_since, evaluated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (club_slug, pipeline) DO UPDATE SET state = excluded.state, since = excluded.since,
       reason = excluded.reason, watching_since = excluded.watching_since, evaluated_at = excluded.evaluated_at`,
  );
  const deleteOne = client.prepare('DELETE FROM pipeline_health WHERE club_slug = ? AND pipeline = ?');
  const insertHistory = client.prepare(
    `INSERT INTO pipeline_health_history (club_slug, pipeline, from_state, to_state, since, reason, at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const deleteHistory = client.prepare('DELETE FROM pipeline_health_history WHERE club_slug = ? AND pipeline = ?');
  // A DISTINCT over the (club_slug, pipeline, started_at) index: reads the index only, once at start and on changes.
  const keys = client.prepare('SELECT DISTINCT club_slug AS club, pipeline FROM runs');
  const runs = client.prepare(
    `SELECT CAST(id AS TEXT) AS id, status, started_at AS startedAt, finished_at AS finishedAt,
            duration_ms AS durationMs, created, updated, failed, error_count AS errorCount
       FROM runs WHERE club_slug = ? AND pipeline = ? AND started_at IS NOT NULL
      ORDER BY started_at DESC, id DESC LIMIT ?`,
  );
  const startsSince = client.prepare(
    `SELECT id, started_at AS startedAt FROM runs WHERE club_slug = ? AND pipeline = ? AND started_at >= ?
      ORDER BY started_at DESC, id DESC LIMIT ?`,
  );
  const firstStart = client.prepare(
    'SELECT min(started_at) FROM runs WHERE club_slug = ? AND pipeline = ? AND started_at IS NOT NULL',
  );
  const recentIds = client.prepare(
    `SELECT id FROM runs WHERE club_slug = ? AND pipeline = ? ORDER BY started_at DESC, id DESC LIMIT ?`,
  );
  // run.start is a run's first line (the logger and exec write it first); its extra fields (schedule, timezone) are
  // kept as the line's data. Only the first few lines are read, through the (run_id, offset) index: a run with a
  // million lines costs the same as one with ten.
  const firstLines = client.prepare(
    `SELECT event, data FROM run_logs WHERE run_id = ? ORDER BY offset LIMIT ${RUN_START_WITHIN_LINES}`,
  );

  return {
    loadAll() {
      const out = new Map<string, StoredHealth>();
      for (const row of selectAll.all() as Array<PipelineKey & StoredHealth & { watchingSince: number }>) {
        out.set(healthKey(row), {
          state: row.state,
          since: row.since,
          reason: row.reason,
          watchingSince: row.watchingSince,
        });
      }
      return out;
    },
    save(key, health, evaluatedAt) {
      upsert.run(
        key.club,
        key.pipeline,
        health.state,
        health.since,
        health.reason,
        health.watchingSince ?? evaluatedAt,
        evaluatedAt,
      );
    },
    appendHistory(key, from, to, at) {
      insertHistory.run(key.club, key.pipeline, from?.state ?? null, to.state, to.since, to.reason, at);
    },
    inTransaction(work) {
      client.transaction(work).immediate();
    },
    remove(key) {
      client.transaction(() => {
        deleteOne.run(key.club, key.pipeline);
        deleteHistory.run(key.club, key.pipeline);
      })();
    },
    pipelinesWithRuns() {
      return keys.all() as PipelineKey[];
    },
    recentRuns(key, count) {
      return runs.all(key.club, key.pipeline, count) as HealthRunRow[];
    },
    runStartsSince(key, since, limit) {
      return startsSince.all(key.club, key.pipeline, since, limit) as RunStartRow[];
    },
    firstRunStartedAt(key) {
      return (firstStart.pluck().get(key.club, key.pipeline) as number | null | undefined) ?? null;
    },
    declaredSchedule(key, lookBack) {
      for (const id of recentIds.pluck().all(key.club, key.pipeline, lookBack) as number[]) {
        for (const line of firstLines.all(id) as Array<{ event: string | null; data: string | null }>) {
          if (line.event !== 'run.start' || line.data === null) continue;
          const found = scheduleOfData(line.data);
          if (found) return found;
        }
      }
      return null;
    },
  };
}

/** A run.start line's data → its schedule; anything malformed is no schedule (the line was the writer's to get right). */
export function scheduleOfData(data: string): DeclaredSchedule | null {
  try {
    const parsed = JSON.parse(data) as { schedule?: unknown; timezone?: unknown };
    if (typeof parsed.schedule !== 'string' || parsed.schedule.trim() === '') return null;
    return {
      schedule: parsed.schedule,
      timezone: typeof parsed.timezone === 'string' && parsed.timezone.trim() !== '' ? parsed.timezone : null,
    };
  } catch {
    return null;
  }
}
