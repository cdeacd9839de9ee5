// Runs that will never write their run.end: the writer on this host is gone, or the run has been silent too long.
import type { Db } from '../shared/db.js';
import type { RunStatus } from '../shared/events.js';
import type { RunRow, StepRow } from '../shared/schema.js';
import { RUN_COLUMNS } from './sql-columns.js';

export const DEFAULT_STALE_AFTER_MS = 60 * 60 * 1000;

export interface AbandonCheck {
  now: number;
  /** This machine's hostname: a pid only means something on the host that wrote it. */
  hostname: string;
  staleAfterMs: number;
  isPidAlive(pid: number): boolean;
}

/** Pure decision: why a running run is abandoned, or null if it may still be alive. */
export function abandonReason(
  run: Pick<RunRow, 'status' | 'host' | 'pid' | 'lastEventAt'>,
  check: AbandonCheck,
): string | null {
  if (run.status !== 'running') return null;
  if (run.host !== null && run.host === check.hostname && run.pid !== null && !check.isPidAlive(run.pid)) {
    return `writer process ${run.pid} on ${run.host} is gone without a run.end`;
  }
  if (run.lastEventAt !== null && check.now - run.lastEventAt > check.staleAfterMs) {
    return `silent for more than ${Math.round(check.staleAfterMs / 1000)} s without a run.end`;
  }
  return null;
}

/** What a run's lines promised, for judging its silence. */
export interface RunPromise {
  /** It wrote a contract event (run.start, step.*, error, run.end): it promised a run.end. */
  announcedContract: boolean;
  /** It logged a fatal (60+) line. */
  loggedFatal: boolean;
}

/**
 * Pure: how a run whose writer is gone ends. A writer that announced the contract promised a run.end, so silence is
 * a crash (abandoned). A plain pino file never promised one: its outcome is not recorded (ended), unless it logged a
 * fatal line (failure). Never success: a process that died of an uncaught exception writes nothing more.
 */
export function silentRunEnd(
  promise: RunPromise,
  goneReason: string,
): { status: Extract<RunStatus, 'abandoned' | 'ended' | 'failure'>; reason: string } {
  if (promise.announcedContract) return { status: 'abandoned', reason: goneReason };
  if (promise.loggedFatal) return { status: 'failure', reason: `logged a fatal line; ${goneReason}` };
  return {
    status: 'ended',
    reason:
      `outcome not recorded: the file has no run.end (${goneReason}). ` +
      'Run it under `runboard exec`, or end it with a run.end event, to record its outcome.',
  };
}

/** Whether a process exists on this host. EPERM means it exists but belongs to someone else. */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Mark abandoned every running run the check says is gone, except runs whose file still has bytes waiting to be
 * read (their run.end may be among them). Returns the updated rows, as committed.
 */
export function markAbandonedRuns(
  db: Db,
  check: AbandonCheck,
  hasPendingBytes: (runId: number) => boolean,
): { runs: RunRow[]; steps: StepRow[] } {
  const client = db.$client;
  const running = client.prepare<[], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'running'`).all();
  // Once per run that went silent, not per check: a scan of its own rows by the (run_id, offset) index.
  const promiseOf = client.prepare<[number], { announcedContract: number | null; loggedFatal: number | null }>(
    `SELECT max(event IS NOT NULL) AS announcedContract, max(level >= 60) AS loggedFatal
       FROM run_logs WHERE run_id = ?`,
  );
  const update = client.prepare<[string, string, number | null, number | null, number]>(
    `UPDATE runs SET status = ?, end_reason = ?, finished_at = ?, duration_ms = ?
     WHERE id = ? AND status = 'running'`,
  );
  const closeSteps = client.prepare<[{ finishedAt: number | null; runId: number }], StepRow>(
    `UPDATE run_steps SET status = 'failure', finished_at = @finishedAt,
       duration_ms = CASE WHEN @finishedAt IS NULL OR started_at IS NULL THEN NULL
         ELSE max(0, @finishedAt - started_at) END
     WHERE run_id = @runId AND status = 'running'
     RETURNING run_id AS runId, name, club_slug AS clubSlug, seq, status, started_at AS startedAt,
       finished_at AS finishedAt, duration_ms AS durationMs, created, updated, skipped, failed,
       progress_done AS progressDone, progress_total AS progressTotal, progress_counts AS progressCounts, stats`,
  );
  const marked: RunRow[] = [];
  const closed: StepRow[] = [];
  client
    .transaction(() => {
      for (const run of running) {
        const gone = abandonReason(run, check);
        if (gone === null || hasPendingBytes(run.id)) continue;
        const facts = promiseOf.get(run.id);
        const { status, reason } = silentRunEnd(
          { announcedContract: facts?.announcedContract === 1, loggedFatal: facts?.loggedFatal === 1 },
          gone,
        );
        // The last sign of life is the best guess of when it stopped.
        const finishedAt = run.lastEventAt;
        const durationMs = finishedAt !== null && run.startedAt !== null ? finishedAt - run.startedAt : null;
        if (update.run(status, reason, finishedAt, durationMs, run.id).changes > 0) {
          marked.push({ ...run, status, endReason: reason, finishedAt, durationMs });
          // Steps it left open ended with it (they would otherwise tick "running" forever).
          closed.push(...closeSteps.all({ finishedAt, runId: run.id }));
        }
      }
    })
    .immediate();
  return { runs: marked, steps: closed };
}
