// Runs that will never write their run.end: the writer on this host is gone, or the run has been silent too long.
import type { Db } from '../shared/db.js';
import type { RunRow } from '../shared/schema.js';
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
export function markAbandonedRuns(db: Db, check: AbandonCheck, hasPendingBytes: (runId: number) => boolean): RunRow[] {
  const client = db.$client;
  const running = client.prepare<[], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'running'`).all();
  const update = client.prepare<[string, number | null, number | null, number]>(
    `UPDATE runs SET status = 'abandoned', end_reason = ?, finished_at = ?, duration_ms = ?
     WHERE id = ? AND status = 'running'`,
  );
  const marked: RunRow[] = [];
  client
    .transaction(() => {
      for (const run of running) {
        const reason = abandonReason(run, check);
        if (reason === null || hasPendingBytes(run.id)) continue;
        // The last sign of life is the best guess of when it stopped.
        const finishedAt = run.lastEventAt;
        const durationMs = finishedAt !== null && run.startedAt !== null ? finishedAt - run.startedAt : null;
        if (update.run(reason, finishedAt, durationMs, run.id).changes > 0) {
          marked.push({ ...run, status: 'abandoned', endReason: reason, finishedAt, durationMs });
        }
      }
    })
    .immediate();
  return marked;
}
