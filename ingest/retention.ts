// Retention: runs (and their rows) with no activity for `retentionDays` go; optionally their files too.
import { unlinkSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Db } from '../shared/db.js';

export const DEFAULT_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Runs deleted per transaction: keeps each write lock short while the API reads. */
const RUNS_PER_TRANSACTION = 200;

/** Pure: runs whose last activity is older than this are expired. */
export function retentionCutoff(now: number, retentionDays: number): number {
  return now - retentionDays * DAY_MS;
}

export interface RetentionResult {
  removedRunIds: number[];
  /** Relative paths of the files whose runs were removed (deleted from disk when asked to). */
  files: string[];
  rejectsDeleted: number;
}

/** `relativePath` inside `runsDir`, or null if it would escape it. */
function insideRunsDir(runsDir: string, relativePath: string): string | null {
  const root = resolve(runsDir);
  const full = resolve(root, relativePath);
  return full.startsWith(root + sep) ? full : null;
}

export function applyRetention(
  db: Db,
  runsDir: string,
  cutoff: number,
  deleteFiles: boolean,
  onFileError: (path: string, error: unknown) => void,
): RetentionResult {
  const client = db.$client;
  const selectExpired = client.prepare<[number, number], { id: number }>(
    `SELECT id FROM runs WHERE coalesce(last_event_at, started_at) < ? LIMIT ?`,
  );
  const selectFiles = client.prepare<[number], { path: string }>(`SELECT path FROM ingest_files WHERE run_id = ?`);
  const deleteRun = client.prepare<[number]>(`DELETE FROM runs WHERE id = ?`);
  const deleteFileRow = client.prepare<[string]>(`DELETE FROM ingest_files WHERE path = ?`);
  const deleteRejects = client.prepare<[number]>(`DELETE FROM ingest_rejects WHERE at < ?`);
  const result: RetentionResult = { removedRunIds: [], files: [], rejectsDeleted: 0 };

  for (;;) {
    const done = client
      .transaction(() => {
        const expired = selectExpired.all(cutoff, RUNS_PER_TRANSACTION);
        for (const { id } of expired) {
          for (const { path } of selectFiles.all(id)) {
            result.files.push(path);
            if (!deleteFiles) continue; // The row stays (run_id becomes null) so the file is not ingested again.
            const full = insideRunsDir(runsDir, path);
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
        }
        return expired.length < RUNS_PER_TRANSACTION;
      })
      .immediate();
    if (done) break;
  }
  result.rejectsDeleted = deleteRejects.run(cutoff).changes;
  return result;
}
