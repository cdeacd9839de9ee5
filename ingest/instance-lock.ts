// One ingest daemon per dashboard.sqlite. Two would each tail every file and race on the committed offsets.
//
// How: an exclusive SQLite transaction held open on a separate lock file for the daemon's lifetime.
// SQLite takes a POSIX advisory lock on it, which the kernel drops when the process dies however it dies
// (kill -9 included), so a crash never leaves a stale lock behind — unlike a pid file, which needs a liveness
// guess and can be fooled by pid reuse. SQLite also arbitrates between connections of the same process,
// so a second daemon in the same process is refused too. No native add-on beyond better-sqlite3 is needed.
//
// Two lock files: `<db>.lock` (by the name given), and one named after the database file's device and inode in
// its directory, so a hard link of the database (the same file under another name, whose WAL would be a second,
// separate one: corruption) is refused too. The database file is created first if missing, so a first start holds
// the inode lock as well. A hard link in another directory has another directory to hold its inode lock: that case
// is not caught (it would need a lock on the database file itself, which Node cannot take without an add-on).
import { closeSync, openSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { makeDirectory } from '../shared/make-directory.js';
import { InstanceLockedError } from './errors.js';

export interface InstanceLock {
  release(): void;
}

/** The lock file for the database file's identity: the same for every name (hard link) of it in its directory. */
export function inodeLockFile(dbFile: string): string {
  const st = statSync(dbFile);
  return join(dirname(realpathSync(dbFile)), `.runboard-db-${st.dev}-${st.ino}.lock`);
}

/** Take the lock for `dbFile`, or throw an InstanceLockedError if another instance holds it. */
export function acquireInstanceLock(dbFile: string): InstanceLock {
  // Taken before the database is opened (which would create its directory): a first start has none yet.
  makeDirectory(dirname(dbFile));
  const byName = holdLock(`${dbFile}.lock`, dbFile);
  let byInode: InstanceLock;
  try {
    // An empty file is a valid empty SQLite database: creating it now gives it the inode the lock is named after.
    closeSync(openSync(dbFile, 'a'));
    byInode = holdLock(inodeLockFile(dbFile), dbFile);
  } catch (error) {
    byName.release();
    throw error;
  }
  return {
    release() {
      try {
        byInode.release();
      } finally {
        byName.release();
      }
    },
  };
}

function holdLock(lockFile: string, dbFile: string): InstanceLock {
  const ownerFile = `${lockFile}.owner`;
  // timeout 0: fail at once instead of waiting for the holder (which may run for months).
  const conn = new Database(lockFile, { timeout: 0 });
  try {
    conn.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    conn.close();
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      let holder: string | null = null;
      try {
        holder = readFileSync(ownerFile, 'utf8').trim();
      } catch {
        // The holder's note is informational only.
      }
      throw new InstanceLockedError(dbFile, holder, lockFile, { cause: error });
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
