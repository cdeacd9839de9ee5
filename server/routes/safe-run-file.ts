// Opening a run's file for download without ever leaving the runs directory: the stored path is resolved
// against it, every symlink is resolved (realpath) and the result must still be inside the real runs directory;
// the final open refuses a symlink swapped in since (O_NOFOLLOW) and anything that isn't a regular file.
import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type RunFileOpen =
  { ok: true; handle: FileHandle; size: number } | { ok: false; statusCode: 403 | 404; message: string };

/** True when `child` is `root` itself or below it (both absolute, normalised). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  // `..foo` is a name inside; only `..` itself or `../…` climbs out.
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function isDenied(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

export async function openRunFile(runsDir: string, storedPath: string): Promise<RunFileOpen> {
  const outside = { ok: false, statusCode: 403, message: "the run's file is outside the runs directory" } as const;
  const gone = { ok: false, statusCode: 404, message: "the run's file no longer exists" } as const;
  // The daemon's user only needs read access to the runs directory (deploy/README.md): say so when it lacks it.
  const denied = { ok: false, statusCode: 403, message: "the run's file is not readable by the server" } as const;
  const root = resolve(runsDir);
  const candidate = resolve(root, storedPath);
  if (!isInside(root, candidate)) return outside;

  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await realpath(root);
    realFile = await realpath(candidate);
  } catch (error) {
    if (isMissing(error)) return gone;
    if (isDenied(error)) return denied;
    throw error;
  }
  if (!isInside(realRoot, realFile)) return outside;

  let handle: FileHandle;
  try {
    // O_NONBLOCK: a FIFO planted in the tree must not hang the request waiting for a writer.
    handle = await open(realFile, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (isMissing(error)) return gone;
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return outside;
    if (isDenied(error)) return denied;
    throw error;
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    return { ok: false, statusCode: 403, message: "the run's file is not a regular file" };
  }
  return { ok: true, handle, size: stats.size };
}
