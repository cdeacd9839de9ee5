// Housekeeping on timers beside the read passes: runs whose writer is gone get their end (abandoned marks),
// expired runs go (retention), and the WAL is copied back into the database file off this thread (checkpoints).
// The decisions are in abandoned.ts and retention.ts, the writes in the store; this only says when.
import { fstatSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../shared/db.js';
import { isPidAlive } from './abandoned.js';
import { Checkpointer } from './store-checkpointer.js';
import type { FileRegistry } from './file-registry.js';
import { retentionCutoff } from './retention.js';
import { emptyChange } from './store.js';
import type { DaemonContext } from './tracked-file.js';

const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** ~40 MB of 4 KiB pages (SQLite's default is 1,000): automatic checkpoints, only if the checkpoint worker is lost. */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export interface HousekeepingOptions {
  db: Db;
  hostname: string;
  staleAfterMs: number;
  retentionDays: number;
  deleteFilesOnRetention: boolean;
  /** How often running runs are checked for abandonment. */
  abandonCheckMs: number;
  /** How often the checkpoint worker copies the WAL into the database file (undefined: its default). */
  checkpointIntervalMs: number | undefined;
}

export class Housekeeping {
  private readonly timers: NodeJS.Timeout[] = [];
  /** Checkpoints on a worker thread; null for an in-memory database. */
  private checkpointer: Checkpointer | null = null;

  constructor(
    private readonly ctx: DaemonContext,
    private readonly registry: FileRegistry,
    private readonly options: HousekeepingOptions,
  ) {}

  /**
   * Checkpoints (and their fsyncs) run on a worker with its own connection, never inside a commit here, where
   * they held back the API and the live socket; this connection's automatic checkpoints are off meanwhile.
   * Synchronous: a stop() from then on always finds the worker to stop.
   */
  startCheckpoints(): void {
    this.checkpointer = Checkpointer.start({
      client: this.options.db.$client,
      logger: this.ctx.log,
      intervalMs: this.options.checkpointIntervalMs,
      fallbackAutocheckpointPages: WAL_AUTOCHECKPOINT_PAGES,
    });
    this.ctx.store.limitWalSize();
  }

  /** A commit of this many bytes happened: the checkpoint worker may need a nudge. */
  noteCommit(bytes: number): void {
    this.checkpointer?.noteCommit(bytes);
  }

  /** Once, after catch-up. */
  runNow(): void {
    this.runRetention();
    this.checkAbandoned();
  }

  /** From then on, on timers. */
  follow(): void {
    const every = (ms: number, fn: () => void) => {
      const timer = setInterval(fn, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.abandonCheckMs, () => this.checkAbandoned());
    every(RETENTION_INTERVAL_MS, () => this.runRetention());
  }

  stopTimers(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  /** After the last commit: the worker closes its connection before the caller closes (or checkpoints) the db. */
  async stopCheckpoints(): Promise<void> {
    await this.checkpointer?.stop();
  }

  private checkAbandoned(): void {
    if (this.ctx.isStopped()) return;
    try {
      const pendingRuns = new Set<number>();
      for (const tracked of this.registry.files.values()) {
        const runId = tracked.record?.runId;
        if (runId == null) continue;
        if (this.ctx.queue.has(tracked) || tracked.retry !== null) pendingRuns.add(runId);
        else if (tracked.tailer !== null && fstatSync(tracked.tailer.fd).size > tracked.tailer.readUpTo) {
          pendingRuns.add(runId);
        }
      }
      const marked = this.ctx.store.endSilentRuns(
        { now: Date.now(), hostname: this.options.hostname, staleAfterMs: this.options.staleAfterMs, isPidAlive },
        (runId) => pendingRuns.has(runId),
      );
      if (marked.runs.length > 0) this.ctx.publish({ ...emptyChange(), runs: marked.runs, steps: marked.steps });
    } catch (error) {
      this.ctx.log.error({ err: error }, 'runboard ingest: abandoned-run check failed');
    }
  }

  private runRetention(): void {
    if (this.ctx.isStopped()) return;
    const { deleteFilesOnRetention } = this.options;
    try {
      const result = this.ctx.store.expireRuns(
        retentionCutoff(Date.now(), this.options.retentionDays),
        deleteFilesOnRetention,
        (path, error) =>
          this.ctx.log.warn({ err: error, file: path }, 'runboard ingest: cannot delete expired run file'),
      );
      if (result.removedRunIds.length === 0) return;
      const removed = new Set(result.removedRunIds);
      for (const tracked of this.registry.files.values()) {
        if (tracked.record?.runId != null && removed.has(tracked.record.runId)) {
          tracked.record = { ...tracked.record, runId: null };
        }
      }
      if (deleteFilesOnRetention) {
        for (const rel of result.files) {
          const tracked = this.registry.files.get(join(this.ctx.runsDir, rel));
          if (tracked) {
            tracked.record = null; // Its row is gone already.
            this.registry.forget(tracked);
          }
        }
      }
      this.ctx.log.info(
        { runs: result.removedRunIds.length, files: result.files.length },
        'runboard ingest: retention',
      );
      this.ctx.publish({ ...emptyChange(), removedRunIds: result.removedRunIds });
    } catch (error) {
      this.ctx.log.error({ err: error }, 'runboard ingest: retention failed');
    }
  }
}
