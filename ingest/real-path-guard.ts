// Run files are read only from inside the runs directory, however its subdirectories are swapped. O_NOFOLLOW covers
// the file's own name; a directory on the way replaced by a symlink (say `club/pipe` → `/etc/app`) would still
// lead open(2) outside, and the non-JSON lines there (`DB_PASSWORD=…`) would land in reject excerpts.
// So: before opening, the file's directory must resolve to exactly where its relative path says under the runs
// directory's real path (no symlink on the way, not even one pointing back inside: that would ingest a file twice);
// after opening, the path must still resolve there and to the very inode the fd holds (closes the race of a swap
// between the check and the open).
import { fstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** null when the path is fine (or gone: the caller's open reports that); otherwise why it is refused. */
export type PathRefusal = string | null;

export class RealPathGuard {
  /** The runs directory with its own symlinks resolved (it may itself be one, e.g. /srv/runs → /data/runs). */
  private readonly root: string;

  constructor(runsDir: string) {
    this.root = realpathSync.native(runsDir);
  }

  /** Before open: `rel`'s directory is where it says, with no symlinked component. */
  checkPath(rel: string): PathRefusal {
    const expectedDir = join(this.root, dirname(rel));
    let realDir: string;
    try {
      realDir = realpathSync.native(expectedDir);
    } catch {
      return null;
    }
    return realDir === expectedDir ? null : refusal(rel, realDir);
  }

  /** After open: the path still resolves to where it says, and to the file the fd holds. */
  checkOpened(rel: string, fd: number): PathRefusal {
    const expected = join(this.root, rel);
    let real: string;
    let atPath;
    try {
      real = realpathSync.native(expected);
      atPath = statSync(real);
    } catch {
      return `${rel}: moved away while being opened; not read (it is looked at again on the next pass)`;
    }
    if (real !== expected) return refusal(rel, real);
    const opened = fstatSync(fd);
    if (opened.ino !== atPath.ino || opened.dev !== atPath.dev) {
      return `${rel}: the file opened is not the one at its path inside the runs directory (swapped while opening); not read`;
    }
    return null;
  }
}

function refusal(rel: string, leadsTo: string): string {
  return `${rel}: its path leads through a symlink to ${leadsTo}, outside the runs directory (or not where it says); not read`;
}
