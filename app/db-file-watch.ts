// Is the database file still the one this process opened? Deleted (or replaced by a restore, a rename) under a
// running daemon, SQLite goes on writing to the unlinked inode: every later row is lost and /api/ready would still
// say 200. A periodic stat of the path against the identity seen at open tells; the caller then exits non-zero so
// the service manager starts a fresh daemon on whatever is at the path now.
import { statSync } from 'node:fs';

export interface FileIdentity {
  dev: number;
  ino: number;
}

/** Pure: what became of the opened file, judging by what the path leads to now (null: nothing). */
export function judgeDbFile(file: string, opened: FileIdentity, atPath: FileIdentity | null): string | null {
  if (atPath === null) return `the database file ${file} was deleted (or moved away) while runboard was running`;
  if (atPath.dev !== opened.dev || atPath.ino !== opened.ino) {
    return `the database file ${file} was replaced while runboard was running (inode ${opened.ino} is now ${atPath.ino})`;
  }
  return null;
}

export interface DbFileWatch {
  stop(): void;
}

/** Stat `file` every `intervalMs`; call `onLost` once with a one-line reason when it is no longer the opened file. */
export function watchDbFile(file: string, onLost: (reason: string) => void, intervalMs = 2000): DbFileWatch {
  const opened = statSync(file);
  const timer = setInterval(() => {
    let now: FileIdentity | null;
    try {
      now = statSync(file, { throwIfNoEntry: false }) ?? null;
    } catch {
      return; // EACCES, EIO...: no verdict from this look; the next one may tell.
    }
    const reason = judgeDbFile(file, opened, now);
    if (reason === null) return;
    clearInterval(timer);
    onLost(reason);
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
