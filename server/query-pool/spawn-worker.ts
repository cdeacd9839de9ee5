// Starting a query worker: worker.ts next to this file, from source or from the compiled package.
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../shared/worker-thread.js';
import type { WorkerSettings } from './protocol.js';

export function spawnQueryWorker(settings: WorkerSettings): Worker {
  return spawnWorker(import.meta.url, 'worker', settings);
}
