// The store's side of retention: the SQL that pages through candidate runs, asks retention.ts when each was last
// seen written, and deletes the expired ones (and, when asked, their files), a bounded number per transaction.
import { lstatSync, unlinkSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Database } from 'better-sqlite3';
import { lastSeenWritten } from './retention.js';

/** Runs deleted per transaction: keeps each write lock short while the API reads. */
const RUNS_PER_TRANSACTION = 200;

export interface RetentionResult {
  removedRunIds: number[];
  /** Relative paths of the files whose runs were removed (deleted from disk when asked to). */
  files: string[];
  rejectsDeleted: number;
  /** Health history rows older than the cutoff (each pipeline's newest change is kept: it says since when). */
  healthHistoryDeleted: number;
}

/** `relativePath` inside `runsDir`, or null if it would escape it. */
function insideRunsDir(runsDir: string, relativePath: string): string | null {
  const root = resolve(runsDir);
  const full = resolve(root, relativePath);
  return full.startsWith(root + sep) ? full : null;
}

function mtimeOf(full: string | null): number | null {
  if (full === null) return null;
  try {
    return lstatSync(full).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Hands each id that `page` returns (ids above `afterId`, ascending, at most RUNS_PER_TRANSACTION) to `handle`,
 * one immediate transaction a page, until a page comes back short.
 */
function eachIdInPages(
  client: Database,
  page: (afterId: number) => Array<{ id: number }>,
  handle: (id: number) => void,
): void {
  for (let afterId = 0; ;) {
    const more = client
      .transaction(() => {
        const ids = page(afterId);
        for (const { id } of ids) {
          afterId = id;
          handle(id);
        }
        return ids.length === RUNS_PER_TRANSACTION;
      })
      .immediate();
    if (!more) break;
  }
}

export function applyRetention(
  client: Database,
  runsDir: string,
  cutoff: number,
  deleteFiles: boolean,
  onFileError: (path: string, error: unknown) => void,
): RetentionResult {
  // Candidates by last ingest, paged by run id (a candidate kept for its mtime must not be selected again).
  const selectIdleByIngest = client.prepare<[number, number, number], { id: number }>(
    `SELECT run_id AS id FROM ingest_files WHERE run_id IS NOT NULL AND run_id > ?
     GROUP BY run_id HAVING max(updated_at) < ? ORDER BY run_id LIMIT ?`,
  );
  const selectExpiredWithoutFile = client.prepare<[number, number, number], { id: number }>(
    `SELECT id FROM runs WHERE id > ? AND coalesce(last_event_at, started_at) < ?
       AND id NOT IN (SELECT run_id FROM ingest_files WHERE run_id IS NOT NULL)
     ORDER BY id LIMIT ?`,
  );
  const selectFiles = client.prepare<[number], { path: string; updatedAt: number }>(
    `SELECT path, updated_at AS updatedAt FROM ingest_files WHERE run_id = ?`,
  );
  const deleteRun = client.prepare<[number]>(`DELETE FROM runs WHERE id = ?`);
  const deleteFileRow = client.prepare<[string]>(`DELETE FROM ingest_files WHERE path = ?`);
  const deleteRejects = client.prepare<[number]>(`DELETE FROM ingest_rejects WHERE at < ?`);
  // A pipeline's newest change stays whatever its age: "ok since March" is still the current state's story.
  const deleteHealthHistory = client.prepare<[number]>(
    `DELETE FROM pipeline_health_history WHERE at < ?
       AND id NOT IN (SELECT max(id) FROM pipeline_health_history GROUP BY club_slug, pipeline)`,
  );
  const result: RetentionResult = { removedRunIds: [], files: [], rejectsDeleted: 0, healthHistoryDeleted: 0 };

  const removeRun = (id: number, files: ReadonlyArray<{ path: string; full: string | null }>) => {
    for (const { path, full } of files) {
      result.files.push(path);
      if (!deleteFiles) continue; // The row stays (run_id becomes null) so the file is not ingested again.
      try {
        if (full !== null) unlinkSync(full);
        deleteFileRow.run(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') deleteFileRow.run(path);
        else onFileError(path, error);
      }
    }
    deleteRun.run(id);
    result.removedRunIds.push(id);
  };

  eachIdInPages(
    client,
    (afterId) => selectIdleByIngest.all(afterId, cutoff, RUNS_PER_TRANSACTION),
    (id) => {
      const files = selectFiles.all(id).map((f) => ({ ...f, full: insideRunsDir(runsDir, f.path) }));
      const lastIngestAt = Math.max(...files.map((f) => f.updatedAt));
      const seen = lastSeenWritten(
        lastIngestAt,
        files.map((f) => mtimeOf(f.full)),
      );
      if (seen < cutoff) removeRun(id, files);
    },
  );
  eachIdInPages(
    client,
    (afterId) => selectExpiredWithoutFile.all(afterId, cutoff, RUNS_PER_TRANSACTION),
    (id) => removeRun(id, []),
  );
  result.rejectsDeleted = deleteRejects.run(cutoff).changes;
  result.healthHistoryDeleted = deleteHealthHistory.run(cutoff).changes;
  return result;
}
