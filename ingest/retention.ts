// Retention: runs runboard has not seen written for `retentionDays` go (and their rows); optionally their files too.
//
// "Seen written" is the last ingest of the run's file (ingest_files.updated_at) and the file's mtime, whichever is
// later — never the times the lines carry: a pipeline writing `"time":1000000000000` (2001) today must not have its
// file deleted under it. Only a run whose file row is gone (the file was deleted, so there is nothing on disk left to
// remove) falls back to its own last event time.
// The decisions only; the store finds and removes the runs (store-retention.ts).

const DAY_MS = 24 * 60 * 60 * 1000;

/** Pure: runs whose last activity is older than this are expired. */
export function retentionCutoff(now: number, retentionDays: number): number {
  return now - retentionDays * DAY_MS;
}

/** Pure: when runboard last saw a run written — its last ingest, or a file modified since (null: file gone). */
export function lastSeenWritten(lastIngestAt: number, fileMtimes: ReadonlyArray<number | null>): number {
  let latest = lastIngestAt;
  for (const mtime of fileMtimes) if (mtime !== null && mtime > latest) latest = mtime;
  return latest;
}
