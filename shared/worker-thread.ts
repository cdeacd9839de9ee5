// Starting one of runboard's worker threads from the compiled package (dist/: plain .js next to the caller) and
// from source (tsx, vitest: a .ts file, which needs the TypeScript loader registered inside the new thread; an
// `--import tsx` in a Worker's execArgv does not do that on Node 20, tsx registers its hooks on the main thread only).
import { readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The worker `name` (without extension) next to the module at `callerUrl` (its `import.meta.url`). */
export function spawnWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  // `require.resolve` picks tsx's CommonJS build of its API; the worker needs the ESM one beside it.
  const tsxApi = pathToFileURL(
    createRequire(callerUrl)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** Niceness of the background threads: above it the daemon's own thread (ingest, live sockets, health) always wins. */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's scheduling priority (Linux: niceness is per thread, and /proc/thread-self names it),
 * so searches and indexing use spare CPU and never take it from ingest and the live path on a busy machine. Returns
 * false where that is not possible (another OS, or no permission): the thread then runs at normal priority.
 */
export function runAsBackgroundThread(): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isSafeInteger(tid) || tid <= 0) return false;
    setPriority(tid, BACKGROUND_NICE);
    return true;
  } catch {
    return false;
  }
}
