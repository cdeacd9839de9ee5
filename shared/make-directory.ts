// `mkdir -p` without Node's recursive mkdir. Node 20's `mkdirSync(dir, { recursive: true })` loops forever at 100%
// CPU on a path under /proc (ENOENT for the child, EEXIST for the parent, retry), deaf to signals since it never
// returns to the event loop. Creating one component at a time, each tried once, always ends with an answer.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Create `dir` and any missing parents; throws the first error that is not "already there as a directory". */
export function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (statSync(dir).isDirectory()) return;
      throw error;
    }
    if (code !== 'ENOENT') throw error;
  }
  const parent = dirname(dir);
  if (parent === dir) throw new Error(`cannot create ${dir}: no root`);
  makeDirectory(parent);
  // Parent exists now: a second ENOENT is the answer (e.g. /proc refuses new entries), not a reason to retry.
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
  }
}
