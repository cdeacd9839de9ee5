// Keeps the WAL copied back into the database file from a worker thread (ingest/store-checkpoint-worker.ts), so no
// checkpoint and no checkpoint fsync ever runs inside a commit on the daemon's thread, where the API and the live
// socket run too. The daemon's connection stops checkpointing automatically while this runs; if the worker dies,
// the connection's automatic checkpoints come back so the WAL still stays bounded.
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type pino from 'pino';
import { spawnWorker } from '../shared/worker-thread.js';
import type { CheckpointCommand, CheckpointReport, CheckpointWorkerData } from './store-checkpoint-protocol.js';

export interface CheckpointerOptions {
  /** The daemon's connection (the one that commits). Its automatic checkpoints are off while the worker runs. */
  client: Database.Database;
  logger: pino.Logger;
  /** A pass at least this often (default 1 s). */
  intervalMs?: number;
  /** Nudge the worker after this many commits (default 5,000) or this many committed bytes (default 8 MiB). */
  nudgeAfterCommits?: number;
  nudgeAfterBytes?: number;
  /**
   * With PASSIVE never catching up (steady commits on a slow disk), TRUNCATE once the WAL holds this much (default
   * 256 MiB). The daemon's commit waits for a TRUNCATE: the bound trades that rare wait against disk space.
   */
  truncateAboveBytes?: number;
  /** Automatic checkpoint size (pages) given back to the connection if the worker dies (default 10,000). */
  fallbackAutocheckpointPages?: number;
}

/** Failures are logged at most this often (the worker retries every pass). */
const FAILURE_LOG_INTERVAL_MS = 30_000;
/** A worker that does not end this long after being asked to is terminated. */
const STOP_GRACE_MS = 5_000;

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private readonly nudgeAfterCommits: number;
  private readonly nudgeAfterBytes: number;
  private commitsSinceNudge = 0;
  private bytesSinceNudge = 0;
  private stopping = false;
  private lastFailureLoggedAt = Number.NEGATIVE_INFINITY;
  private failuresNotLogged = 0;

  /** Null for an in-memory database: no other connection can reach it, so it keeps checkpointing itself. */
  static start(options: CheckpointerOptions): Checkpointer | null {
    if (options.client.memory) return null;
    return new Checkpointer(options);
  }

  private constructor(private readonly options: CheckpointerOptions) {
    // At live rates (1,000 commits/s) the 1 s timer sets the pace; nudges matter in catch-up, where big batches
    // fill the WAL fast.
    this.nudgeAfterCommits = options.nudgeAfterCommits ?? 5000;
    this.nudgeAfterBytes = options.nudgeAfterBytes ?? 8 * 1024 * 1024;
    // Off first: from here on no commit on this connection runs a checkpoint (and its fsync) on its way out.
    options.client.pragma('wal_autocheckpoint = 0');
    const workerData: CheckpointWorkerData = {
      dbFile: options.client.name,
      intervalMs: options.intervalMs ?? 1000,
      catchUpRetryMs: 50,
      minGapMs: 100,
      truncateAboveBytes: options.truncateAboveBytes ?? 256 * 1024 * 1024,
    };
    this.worker = spawnWorker(import.meta.url, 'store-checkpoint-worker', workerData);
    // Like the daemon's own timers: a daemon someone forgot to stop must not keep the process alive.
    this.worker.unref();
    this.worker.on('message', (report: CheckpointReport) => this.onReport(report));
    this.worker.on('error', (error) => {
      // An uncaught throw in the worker ends the thread; it must never reach the daemon's thread as one.
      this.options.logger.error({ err: error }, 'runboard ingest: checkpoint worker failed');
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        if (!this.stopping) this.lost(code);
        resolve();
      });
    });
  }

  /** After each commit on the daemon's connection: counts, and now and then posts a nudge (no per-commit message). */
  noteCommit(bytes: number): void {
    this.commitsSinceNudge += 1;
    this.bytesSinceNudge += bytes;
    if (this.stopping) return;
    if (this.commitsSinceNudge < this.nudgeAfterCommits && this.bytesSinceNudge < this.nudgeAfterBytes) return;
    this.commitsSinceNudge = 0;
    this.bytesSinceNudge = 0;
    this.post({ type: 'nudge' });
  }

  /** Ends the worker (it closes its connection first) and gives the connection its automatic checkpoints back. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      // Held alive until it has closed its connection: an unref'd worker would let the process exit under the caller's await.
      this.worker.ref();
      this.post({ type: 'stop' });
      const grace = setTimeout(() => void this.worker.terminate(), STOP_GRACE_MS);
      grace.unref();
      await this.exited;
      clearTimeout(grace);
      this.restoreAutocheckpoint();
    }
    await this.exited;
  }

  private post(command: CheckpointCommand): void {
    try {
      this.worker.postMessage(command);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'runboard ingest: cannot reach the checkpoint worker');
    }
  }

  private onReport(report: CheckpointReport): void {
    if (report.type === 'checkpointed') {
      this.options.logger.debug(
        {
          mode: report.mode,
          caughtUp: report.caughtUp,
          busy: report.busy,
          walFrames: report.walFrames,
          checkpointedFrames: report.checkpointedFrames,
          ms: Math.round(report.ms * 10) / 10,
        },
        'runboard ingest: WAL checkpointed',
      );
      return;
    }
    const now = performance.now();
    if (now - this.lastFailureLoggedAt < FAILURE_LOG_INTERVAL_MS) {
      this.failuresNotLogged += 1;
      return;
    }
    this.options.logger.warn(
      { message: report.message, code: report.code, failuresNotLogged: this.failuresNotLogged },
      'runboard ingest: WAL checkpoint failed',
    );
    this.lastFailureLoggedAt = now;
    this.failuresNotLogged = 0;
  }

  /** The worker ended without being asked: the connection checkpoints itself again, as before the worker. */
  private lost(code: number): void {
    this.stopping = true;
    this.restoreAutocheckpoint();
    this.options.logger.error(
      { exitCode: code },
      'runboard ingest: checkpoint worker ended; checkpoints run on the main thread again',
    );
  }

  private restoreAutocheckpoint(): void {
    try {
      if (this.options.client.open) {
        this.options.client.pragma(`wal_autocheckpoint = ${this.options.fallbackAutocheckpointPages ?? 10_000}`);
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'runboard ingest: cannot restore automatic checkpoints');
    }
  }
}
