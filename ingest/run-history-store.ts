// The history `runboard alerts backtest` replays, read in one go: per pipeline, its runs of the window with those
// just before it, the schedule each run declared, when the daemon first judged it, and its error fingerprints. Read
// only (the command opens the database read-only, beside a live daemon); SQL lives here so app/ only wires.
import type { Db } from '../shared/db.js';
import {
  RUN_START_WITHIN_LINES,
  scheduleOfData,
  type DeclaredSchedule,
  type HealthRunRow,
  type PipelineKey,
} from './health-store.js';

export interface HistoryRunRow extends HealthRunRow {
  declared: DeclaredSchedule | null;
}

export interface ErrorSightingRow {
  runId: string;
  fingerprint: string;
  /** The first time the fingerprint was seen in that run. */
  time: number;
}

export interface PipelineHistoryRows extends PipelineKey {
  /** Oldest first (started_at, then id). */
  runs: HistoryRunRow[];
  watchingSince: number | null;
  errors: ErrorSightingRow[];
}

export interface RunHistoryQuery {
  /** Every run that started from here on... */
  since: number;
  /** ...and this many of each pipeline's newest before it (baselines for the judge). */
  runsBefore: number;
  /** Error fingerprints seen from here on. */
  errorsSince: number;
}

interface RunRowWithKey extends Omit<HealthRunRow, 'id'>, PipelineKey {
  id: number;
}

export function readRunHistory(db: Db, query: RunHistoryQuery): PipelineHistoryRows[] {
  const client = db.$client;
  const runs = client.prepare(
    `SELECT id, club, pipeline, status, startedAt, finishedAt, durationMs, created, updated, failed, errorCount
       FROM (SELECT id, club_slug AS club, pipeline, status, started_at AS startedAt, finished_at AS finishedAt,
                    duration_ms AS durationMs, created, updated, failed, error_count AS errorCount,
                    ROW_NUMBER() OVER (PARTITION BY club_slug, pipeline ORDER BY started_at DESC, id DESC) AS newer
               FROM runs WHERE started_at IS NOT NULL AND started_at < @since)
      WHERE newer <= @runsBefore
     UNION ALL
     SELECT id, club_slug, pipeline, status, started_at, finished_at, duration_ms, created, updated, failed, error_count
       FROM runs WHERE started_at >= @since
     ORDER BY club, pipeline, startedAt, id`,
  );
  // run.start is a run's first line; only the first few are read, through the (run_id, offset) index.
  const firstLines = client.prepare(
    `SELECT event, data FROM run_logs WHERE run_id = ? ORDER BY offset LIMIT ${RUN_START_WITHIN_LINES}`,
  );
  const errors = client.prepare(
    `SELECT run_id AS runId, club_slug AS club, pipeline, fingerprint, MIN(time) AS time
       FROM run_errors WHERE time >= ? GROUP BY run_id, fingerprint ORDER BY time`,
  );

  const byKey = new Map<string, PipelineHistoryRows>();
  const historyOf = (key: PipelineKey): PipelineHistoryRows => {
    const id = `${key.club}\n${key.pipeline}`;
    let history = byKey.get(id);
    if (!history) {
      history = { club: key.club, pipeline: key.pipeline, runs: [], watchingSince: null, errors: [] };
      byKey.set(id, history);
    }
    return history;
  };

  for (const row of runs.all({ since: query.since, runsBefore: query.runsBefore }) as RunRowWithKey[]) {
    const { club, pipeline, id, ...run } = row;
    let declared: DeclaredSchedule | null = null;
    for (const line of firstLines.all(id) as Array<{ event: string | null; data: string | null }>) {
      if (line.event === 'run.start' && line.data !== null) declared = scheduleOfData(line.data);
      if (declared) break;
    }
    historyOf({ club, pipeline }).runs.push({ ...run, id: String(id), declared });
  }
  if (tableExists(db, 'pipeline_health')) {
    const watching = client.prepare(
      'SELECT club_slug AS club, pipeline, watching_since AS watchingSince FROM pipeline_health',
    );
    for (const row of watching.all() as Array<PipelineKey & { watchingSince: number }>) {
      historyOf(row).watchingSince = row.watchingSince;
    }
  }
  for (const row of errors.all(query.errorsSince) as Array<PipelineKey & { runId: number } & ErrorSightingRow>) {
    historyOf(row).errors.push({ runId: String(row.runId), fingerprint: row.fingerprint, time: row.time });
  }
  return [...byKey.values()];
}

/** The tables a backtest needs: a database never migrated by a daemon of this version may lack some. */
export function tableExists(db: Db, name: string): boolean {
  return db.$client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}
