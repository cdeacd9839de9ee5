// The ingest daemon, wired together: discovery (watcher hints, open-file poll, sweep) gives files a turn in a
// round-robin queue; each turn is one read pass (tail → classify → fold → store → publish) over a file the open-file
// registry holds; housekeeping (abandoned marks, retention, checkpoints) runs beside it on timers.
// One pass at a time, each committed at once (no timer fills a batch), time-sliced so the API sharing this process
// stays responsive and no busy file starves the others.
import { fstatSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join, resolve } from 'node:path';
import type pino from 'pino';
import type { Db } from '../shared/db.js';
import { DEFAULT_IDENTIFIER_FIELDS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_LINE_BYTES } from '../shared/events.js';
import type { IngestChange } from '../shared/ingest-change.js';
import { makeDirectory } from '../shared/make-directory.js';
import { DEFAULT_RETENTION_DAYS, DEFAULT_STALE_AFTER_MS } from '../shared/defaults.js';
import { Discovery } from './discovery.js';
import { FileRegistry } from './file-registry.js';
import type { FoldOptions } from './fold.js';
import { Housekeeping } from './housekeeping.js';
import { IngestProblems, type IngestProblemsView } from './ingest-problems.js';
import { ReadPass } from './read-pass.js';
import type { RunRow } from '../shared/schema.js';
import { IngestStore } from './store.js';
import type { DaemonContext, Tracked } from './tracked-file.js';
import { WorkQueue } from './work-queue.js';

export interface IngestOptions {
  runsDir: string;
  /** From shared/db.ts, already migrated. */
  db: Db;
  /** The daemon's own logs. */
  logger: pino.Logger;
  /** Default DEFAULT_MAX_LINE_BYTES (1 MiB). */
  maxLineBytes?: number;
  /** Default DEFAULT_MAX_DEPTH (64). */
  maxDepth?: number;
  /** Fields of a plain error line that name its record, first present wins. Default DEFAULT_IDENTIFIER_FIELDS. */
  identifierFields?: readonly string[];
  /**
   * Every identifier field to try for a pipeline's runs (the app resolves the config file's lists and the flag's),
   * asked per batch so a reloaded config applies from the next line on; null or empty: `identifierFields`.
   */
  identifierFieldsOf?: (club: string, pipeline: string) => readonly string[] | null;
  /** Default DEFAULT_STALE_AFTER_MS (1 h). */
  staleAfterMs?: number;
  /** Default DEFAULT_RETENTION_DAYS (90). */
  retentionDays?: number;
  /** Default false. */
  deleteFilesOnRetention?: boolean;
  /** Network filesystems, where inotify sees nothing. */
  usePolling?: boolean;
  /** Default os.hostname(). */
  hostname?: string;
  /** Tuning (tests): full stat sweep of the tree, default 5 s. */
  sweepIntervalMs?: number;
  /** Tuning (tests): how often running runs are checked for abandonment, default 5 s. */
  abandonCheckMs?: number;
  /** Tuning (tests): close a file's fd after this much silence once its run ended (default 5 s); 12× that otherwise. */
  idleCloseMs?: number;
  /** Most files held open at once (default 256); the least recently active idle ones are closed first. */
  maxOpenFiles?: number;
  /** Tuning (tests): how often the checkpoint worker copies the WAL into the database file, default 1 s. */
  checkpointIntervalMs?: number;
}

export interface IngestDaemon {
  /** Catch-up of the whole tree, then resolves; then follows live. */
  start(): Promise<void>;
  /** Stop watching, read and commit what is complete, close fds. Does not close the db. */
  stop(): Promise<void>;
  /** Called after each committed batch. Returns an unsubscribe function. */
  onChange(listener: (change: IngestChange) => void): () => void;
  /** True once start() finished catch-up. */
  readonly ready: boolean;
  /** What keeps ingest from reading something right now (unreadable files, full disk, paths leading outside). */
  readonly problems: IngestProblemsView;
}

/** Work done in one go before yielding to the event loop (the API lives in this process). */
const SLICE_MS = 15;

export function createIngestDaemon(options: IngestOptions): IngestDaemon {
  return new Daemon(options);
}

class Daemon implements IngestDaemon, DaemonContext {
  readonly runsDir: string;
  readonly log: pino.Logger;
  readonly store: IngestStore;
  readonly problems = new IngestProblems();
  readonly queue: WorkQueue<Tracked>;
  private readonly registry: FileRegistry;
  private readonly discovery: Discovery;
  private readonly readPass: ReadPass;
  private readonly housekeeping: Housekeeping;
  private readonly listeners = new Set<(change: IngestChange) => void>();
  private started = false;
  private stopped = false;
  private isReady = false;

  constructor(options: IngestOptions) {
    this.runsDir = resolve(options.runsDir);
    this.log = options.logger;
    const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const globalFields = options.identifierFields ?? DEFAULT_IDENTIFIER_FIELDS;
    const defaultFold = { identifierFields: globalFields };
    const foldOptionsFor = (run: RunRow): FoldOptions => {
      // Looked up per batch, so a reloaded config file applies from the next line on.
      const fields = options.identifierFieldsOf?.(run.clubSlug, run.pipeline) ?? null;
      return fields === null || fields.length === 0 ? defaultFold : { identifierFields: fields };
    };
    this.store = new IngestStore(options.db, this.runsDir, foldOptionsFor);
    this.queue = new WorkQueue<Tracked>(
      (tracked) => {
        const more = this.readPass.run(tracked);
        tracked.failures = 0;
        // A refusal is not cleared by a pass that refused again; anything else is over once a pass succeeds.
        if (this.problems.kindAt(tracked.rel) !== 'outside_runs_dir') this.problems.clear(tracked.rel);
        return more;
      },
      (tracked, error) => this.readPass.failed(tracked, error),
      SLICE_MS,
    );
    this.registry = new FileRegistry(this, maxLineBytes, options.maxOpenFiles ?? 256);
    this.discovery = new Discovery(this, this.registry, {
      usePolling: options.usePolling ?? false,
      sweepIntervalMs: options.sweepIntervalMs ?? 5000,
      idleCloseMs: options.idleCloseMs ?? 5000,
    });
    this.readPass = new ReadPass(this, this.registry, {
      maxLineBytes,
      maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
      foldOptionsFor,
      dbName: options.db.$client.name,
    });
    this.housekeeping = new Housekeeping(this, this.registry, {
      db: options.db,
      hostname: options.hostname ?? osHostname(),
      staleAfterMs: options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
      retentionDays: options.retentionDays ?? DEFAULT_RETENTION_DAYS,
      deleteFilesOnRetention: options.deleteFilesOnRetention ?? false,
      abandonCheckMs: options.abandonCheckMs ?? 5000,
      checkpointIntervalMs: options.checkpointIntervalMs,
    });
  }

  get ready(): boolean {
    return this.isReady;
  }

  isStopped(): boolean {
    return this.stopped;
  }

  onChange(listener: (change: IngestChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('runboard ingest: start() called twice');
    this.started = true;
    const startedAt = performance.now();
    // Before start() first yields: a stop() from then on always finds the checkpoint worker to stop.
    this.housekeeping.startCheckpoints();
    // A runs directory that does not exist yet cannot be watched: create it (pipelines create their own subdirectories).
    makeDirectory(this.runsDir);
    this.registry.guardRunsDir();
    for (const record of this.store.loadFiles().values()) {
      const tracked = this.registry.track(join(this.runsDir, record.path), record.path);
      tracked.record = record;
      tracked.seenSize = record.committedOffset;
      tracked.seenInode = record.inode;
    }
    // Watch first, then walk: anything written during the walk is either seen by the walk or hinted.
    await this.discovery.watch();
    await this.discovery.sweep();
    await this.queue.whenIdle();
    this.housekeeping.runNow();
    if (this.stopped) return;
    this.isReady = true;
    this.log.info(
      { files: this.registry.files.size, ms: Math.round(performance.now() - startedAt) },
      'runboard ingest: caught up, following live',
    );
    this.discovery.follow();
    this.housekeeping.follow();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.stop();
    this.housekeeping.stopTimers();
    await this.discovery.stop();
    // Read and commit everything complete in the files still open, then close them.
    for (const tracked of this.registry.files.values()) {
      if (tracked.recheck) clearTimeout(tracked.recheck);
      if (tracked.retry) clearTimeout(tracked.retry);
      tracked.recheck = tracked.retry = null;
      if (tracked.tailer) {
        // What was complete when asked to stop, not whatever busy writers add while the drain runs: a stop
        // that chased them could last until systemd gives up and kills the daemon.
        try {
          tracked.drainUpTo = fstatSync(tracked.tailer.fd).size;
        } catch {
          tracked.drainUpTo = tracked.tailer.readUpTo;
        }
        this.queue.addForFinalDrain(tracked);
      }
    }
    this.queue.drainNow();
    this.registry.closeAll();
    await this.housekeeping.stopCheckpoints();
    this.isReady = false;
  }

  enqueue(tracked: Tracked): void {
    if (this.stopped || tracked.retry !== null) return;
    this.queue.add(tracked);
  }

  publish(change: IngestChange): void {
    this.housekeeping.noteCommit(change.stats.bytes);
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        // A listener's bug must not stop ingest: the rows are committed whatever it does.
        this.log.error({ err: error }, 'runboard ingest: change listener threw');
      }
    }
  }
}
