// The store's side of abandoned marks: the SQL that finds running runs, asks abandoned.ts whether each one's writer
// is gone and how it ends, and writes that end (and closes its open steps) in one transaction.
import type { Database } from 'better-sqlite3';
import type { RunRow, StepRow } from '../shared/schema.js';
import { abandonReason, silentRunEnd, type AbandonCheck } from './abandoned.js';
import { RUN_COLUMNS } from './sql-columns.js';

/**
 * Mark abandoned every running run the check says is gone, except runs whose file still has bytes waiting to be
 * read (their run.end may be among them). Returns the updated rows, as committed.
 */
export function markAbandonedRuns(
  client: Database,
  check: AbandonCheck,
  hasPendingBytes: (runId: number) => boolean,
): { runs: RunRow[]; steps: StepRow[] } {
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
