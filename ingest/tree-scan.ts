// Finding run files: every *.ndjson under a directory, recursively (symlinks are not followed).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_FILE_EXTENSION } from '../shared/run-path.js';

/**
 * Absolute paths of the run files under `directory`; a directory that vanished mid-walk is skipped, one that cannot
 * be read (EACCES, ...) is skipped and passed to `onUnreadable`.
 */
export async function scanRunFiles(
  directory: string,
  onUnreadable?: (dir: string, error: NodeJS.ErrnoException) => void,
): Promise<string[]> {
  const found: string[] = [];
  const pending = [directory];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') onUnreadable?.(dir, error as NodeJS.ErrnoException);
      continue;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) pending.push(join(dir, entry.name));
      else if (entry.isFile() && entry.name.endsWith(RUN_FILE_EXTENSION)) found.push(join(dir, entry.name));
    }
  }
  return found;
}
