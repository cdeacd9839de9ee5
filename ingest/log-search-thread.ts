// The daemon's handle on the log search indexer's thread (ingest/log-search-store-worker.ts): pokes after commits,
// "caught up" promises, and the worker's failures in the daemon's log. It never blocks the daemon: a poke is a
// message, and a lost worker only lets the index fall behind (searches scan what it has not reached).
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { spawnWorker } from '../shared/worker-thread.js';
import type { LogSearchCommand, LogSearchReport, LogSearchWorkerData } from './log-search-protocol.js';

/** A worker that does not end this long after being asked to is terminated. */
const STOP_GRACE_MS = 5_000;

export interface LogSearchThreadOptions {
  dbFile: string;
  logger: Logger;
  chunkRows?: number;
  pokeDelayMs?: number;
  idleMs?: number;
}

export interface LogSearchThread {
  /** Ingest committed something: index it soon. */
  poke(): void;
  /** Resolves true once the index has caught up with everything committed before the call; false if stopped first. */
  caughtUp(): Promise<boolean>;
  /** The worker's last reported watermark (0 before its first report). */
  indexedUpto(): number;
  stop(): Promise<void>;
}

export function startLogSearchThread(options: LogSearchThreadOptions): LogSearchThread {
  const workerData: LogSearchWorkerData = {
    dbFile: options.dbFile,
    // Large transactions while catching up (each one writes an FTS5 segment, and fewer segments mean less merging:
    // 20,000-row transactions index 1.3x faster than 2,000-row ones here). The search database is its own file,
    // so a long transaction there holds back no ingest commit. Live, a transaction holds what came in one poke delay.
    chunkRows: options.chunkRows ?? 20_000,
    // Each index transaction writes a segment and every few segments cost a merge: gather live batches a while.
    pokeDelayMs: options.pokeDelayMs ?? 200,
    idleMs: options.idleMs ?? 1_000,
  };
  const worker: Worker = spawnWorker(import.meta.url, 'log-search-store-worker', workerData);
  // Like the daemon's timers: a daemon someone forgot to stop must not keep the process alive.
  worker.unref();
  let seq = 0;
  let indexedUpto = 0;
  let stopping = false;
  let waiters: Array<{ seq: number; resolve: (caughtUp: boolean) => void }> = [];
  let lastFailureLoggedAt = Number.NEGATIVE_INFINITY;

  const post = (command: LogSearchCommand) => {
    try {
      worker.postMessage(command);
    } catch (error) {
      options.logger.warn({ err: error }, 'log search index: cannot reach its worker');
    }
  };
  const settle = (upTo: number, caughtUp: boolean) => {
    const ready = waiters.filter((w) => w.seq <= upTo);
    waiters = waiters.filter((w) => w.seq > upTo);
    for (const w of ready) w.resolve(caughtUp);
  };

  worker.on('message', (report: LogSearchReport) => {
    if (report.type === 'caught-up') {
      indexedUpto = report.indexedUpto;
      settle(report.seq, true);
    } else if (report.type === 'warn') {
      options.logger.warn(report.message);
    } else if (performance.now() - lastFailureLoggedAt > 60_000) {
      // Retried every second while it lasts (a full disk): logged once a minute.
      lastFailureLoggedAt = performance.now();
      options.logger.error(
        { err: { message: report.message, stack: report.stack } },
        'log search index: indexing failed; retrying',
      );
    }
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'log search index: its worker failed'));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      if (!stopping)
        options.logger.error({ code }, 'log search index: its worker ended; searches scan unindexed lines');
      settle(Number.POSITIVE_INFINITY, false);
      resolve();
    }),
  );

  return {
    poke() {
      if (!stopping) post({ type: 'poke', seq: 0 });
    },
    caughtUp() {
      if (stopping) return Promise.resolve(false);
      seq += 1;
      const mine = seq;
      post({ type: 'poke', seq: mine });
      return new Promise((resolve) => waiters.push({ seq: mine, resolve }));
    },
    indexedUpto: () => indexedUpto,
    async stop() {
      if (!stopping) {
        stopping = true;
        // Held alive until it has closed its connections: an unref'd worker would let the process exit meanwhile.
        worker.ref();
        post({ type: 'stop' });
        const grace = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
        grace.unref();
        await exited;
        clearTimeout(grace);
      }
      await exited;
    },
  };
}
