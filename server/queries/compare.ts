// What a run comparison reads: a run's figures and steps, the runs of its pipeline before it (last success,
// previous, the last successful ones, the finished ones for streaks), and its errors tallied by (system,
// identifier) and by fingerprint.
import type { Db } from '../../shared/db.js';
import type { RunRow } from '../../shared/schema.js';
import { runs } from '../../shared/schema.js';
import { errorKey, type ErrorTally, type FingerprintTally, type RunFigures } from '../compare/compare-runs.js';
import { getRunSteps } from './runs.js';
import { selectList, statement } from './statements.js';

const RUN_COLUMNS = selectList(runs);

/**
 * Runs of the same pipeline ordered before `run`, newest first, in the pipeline's order (start time, then id;
 * runs with no known start are the oldest). Two texts so a dated run's query can use the
 * (club, pipeline, started_at) index; SQLite sorts NULL starts last in DESC order, as this order wants.
 */
function beforeClause(run: RunRow, alias = ''): { where: string; params: number[] } {
  const started = `${alias}started_at`;
  const id = `${alias}id`;
  if (run.startedAt === null) return { where: `${started} IS NULL AND ${id} < ?`, params: [run.id] };
  return {
    where: `(${started} < ? OR (${started} = ? AND ${id} < ?) OR ${started} IS NULL)`,
    params: [run.startedAt, run.startedAt, run.id],
  };
}

function runsBefore(db: Db, run: RunRow, statusClause: string, limit: number): RunRow[] {
  const before = beforeClause(run);
  return statement(
    db.$client,
    `SELECT ${RUN_COLUMNS} FROM runs
      WHERE club_slug = ? AND pipeline = ? AND ${statusClause} AND ${before.where}
      ORDER BY started_at DESC, id DESC LIMIT ?`,
  ).all(run.clubSlug, run.pipeline, ...before.params, limit) as RunRow[];
}

/** The pipeline's last `limit` successful runs before `run`, newest first. */
export function successfulRunsBefore(db: Db, run: RunRow, limit: number): RunRow[] {
  return runsBefore(db, run, "status = 'success'", limit);
}

/** The run just before `run` in its pipeline, whatever its status. */
export function previousRun(db: Db, run: RunRow): RunRow | undefined {
  return runsBefore(db, run, '1 = 1', 1)[0];
}

/** Ids of the pipeline's finished runs before `run`, newest first (the streak of a failure looks back over them). */
export function finishedRunIdsBefore(db: Db, run: RunRow, limit: number): number[] {
  return runsBefore(db, run, "status <> 'running'", limit).map((r) => r.id);
}

/** The run with its steps, as the comparison takes them. */
export function runFigures(db: Db, run: RunRow): RunFigures {
  return {
    id: run.id,
    runKey: run.runKey,
    status: run.status,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    created: run.created,
    updated: run.updated,
    skipped: run.skipped,
    failed: run.failed,
    steps: getRunSteps(db, run.id).map((s) => ({
      name: s.name,
      status: s.status,
      durationMs: s.durationMs,
      created: s.created,
      updated: s.updated,
      skipped: s.skipped,
      failed: s.failed,
    })),
  };
}

/** A run's errors per (system, identifier), with the latest message of each. */
export function errorTallies(db: Db, runId: number): ErrorTally[] {
  // With one max() in the select, SQLite takes the bare column (message) from that row.
  return statement(
    db.$client,
    `SELECT system, identifier, count(*) AS count, message, max(time) AS lastSeen FROM run_errors
      WHERE run_id = ? GROUP BY system, identifier`,
  ).all(runId) as ErrorTally[];
}

/** The (system, identifier) keys (errorKey) that failed in a run. */
export function errorKeysOfRun(db: Db, runId: number): Set<string> {
  const rows = statement(db.$client, 'SELECT DISTINCT system, identifier FROM run_errors WHERE run_id = ?').all(
    runId,
  ) as Array<{ system: string | null; identifier: string | null }>;
  return new Set(rows.map((r) => errorKey(r.system, r.identifier)));
}

/** A run's errors per fingerprint, with the latest message and system of each. */
export function fingerprintTallies(db: Db, runId: number): FingerprintTally[] {
  return statement(
    db.$client,
    `SELECT fingerprint, message, system, count(*) AS count, max(time) AS lastSeen FROM run_errors
      WHERE run_id = ? GROUP BY fingerprint`,
  )
    .all(runId)
    .map((row) => {
      const { fingerprint, message, system, count } = row as FingerprintTally;
      return { fingerprint, message, system, count };
    });
}

/**
 * Which of `fingerprints` the pipeline logged in a run before `run`. One indexed look-up per fingerprint (the
 * run_errors (fingerprint, time) index): a run has a handful of distinct fingerprints, the pipeline may have
 * millions of errors.
 */
export function knownFingerprints(db: Db, run: RunRow, fingerprints: readonly string[]): Set<string> {
  const before = beforeClause(run, 'r.');
  const seen = statement(
    db.$client,
    `SELECT 1 FROM run_errors e JOIN runs r ON r.id = e.run_id
      WHERE e.fingerprint = ? AND e.club_slug = ? AND e.pipeline = ? AND e.run_id <> ?
        AND ${before.where}
      LIMIT 1`,
  );
  return new Set(
    fingerprints.filter((f) => seen.get(f, run.clubSlug, run.pipeline, run.id, ...before.params) !== undefined),
  );
}
