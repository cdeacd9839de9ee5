// Starting a query worker from source (tsx, vitest: the worker is a .ts file and needs the TypeScript loader
// registered inside the new thread, which `--import tsx` in a Worker's execArgv does not do on Node 20) and from
// the compiled package (dist/: plain worker.js next to this file).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerSettings } from './protocol.js';

export function spawnQueryWorker(settings: WorkerSettings): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { workerData: settings });
  // `require.resolve` picks tsx's CommonJS build of its API; the worker needs the ESM one beside it.
  const tsxApi = pathToFileURL(
    createRequire(here)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL('./worker.ts', here).href;
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: settings });
}
