// One ingest daemon per dashboard.sqlite. Two would each tail every file and race on the committed offsets.
//
// How: an exclusive SQLite transaction held open on a separate `<db>.lock` file for the daemon's lifetime.
// SQLite takes a POSIX advisory lock on it, which the kernel drops when the process dies however it dies
// (kill -9 included), so a crash never leaves a stale lock behind — unlike a pid file, which needs a liveness
// guess and can be fooled by pid reuse. SQLite also arbitrates between connections of the same process,
// so a second daemon in the same process is refused too. No native add-on beyond better-sqlite3 is needed.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { makeDirectory } from '../shared/make-directory.js';

export interface InstanceLock {
  release(): void;
}

/** Take the lock for `dbFile`, or throw an Error with a one-line message if another instance holds it. */
export function acquireInstanceLock(dbFile: string): InstanceLock {
  const lockFile = `${dbFile}.lock`;
  const ownerFile = `${lockFile}.owner`;
  // Taken before the database is opened (which would create its directory): a first start has none yet.
  makeDirectory(dirname(lockFile));
  // timeout 0: fail at once instead of waiting for the holder (which may run for months).
  const conn = new Database(lockFile, { timeout: 0 });
  try {
    conn.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    conn.close();
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      let owner = '';
      try {
        owner = ` (held by ${readFileSync(ownerFile, 'utf8').trim()})`;
      } catch {
        // The holder's note is informational only.
      }
      throw new Error(
        `runboard: another ingest daemon is already running on ${dbFile}${owner}; stop it first (lock: ${lockFile})`,
        { cause: error },
      );
    }
    throw error;
  }
  try {
    writeFileSync(ownerFile, `pid ${process.pid} on ${hostname()} since ${new Date().toISOString()}\n`);
  } catch {
    // Informational only.
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        rmSync(ownerFile, { force: true });
        conn.exec('ROLLBACK');
      } finally {
        conn.close();
      }
    },
  };
}
