// The ingest daemon: watch → tail → parse → fold → store → publish, wired together.
// One pass at a time over a round-robin queue of files with work, each pass committed at once (no timer fills a
// batch), time-sliced so the API sharing this process stays responsive and no busy file starves the others.
import { constants as fsConstants, fstatSync, lstatSync, openSync, closeSync, type Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type pino from 'pino';
import type { Db } from '../shared/db.js';
import { DEFAULT_IDENTIFIER_FIELDS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_LINE_BYTES } from '../shared/events.js';
import { makeDirectory } from '../shared/make-directory.js';
import { relativeRunPath, RUN_FILE_EXTENSION } from '../shared/run-path.js';
import { DEFAULT_STALE_AFTER_MS, isPidAlive } from './abandoned.js';
import type { IngestChange } from '../shared/ingest-change.js';
import { Checkpointer } from './checkpointer.js';
import { classifyLines } from './classify-lines.js';
import { compareIdentity, fingerprintMatches, readFingerprint } from './file-identity.js';
import { IngestProblems, problemDetail, problemKindOf, type IngestProblemsView } from './ingest-problems.js';
import { RealPathGuard } from './real-path-guard.js';
import { DEFAULT_RETENTION_DAYS, retentionCutoff } from './retention.js';
import { IngestStore, type FileRecord, type StartOverReason } from './store.js';
import { FileTailer, ScratchBuffer } from './tailer.js';
import { scanRunFiles } from './tree-scan.js';
import { RunsWatcher } from './watcher.js';
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
  /** A pipeline's own identifier fields (the config file's `identifierFields`), tried before `identifierFields`. */
  identifierFieldsOf?: (club: string, pipeline: string) => readonly string[] | null;
  /** Default 1 h. */
  staleAfterMs?: number;
  /** Default 90. */
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

/** Lines per batch: bounds one transaction (and so the time another file waits). Bytes are bounded by the read size. */
const MAX_LINES_PER_BATCH = 2000;
/** Work done in one go before yielding to the event loop (the API lives in this process). */
const SLICE_MS = 15;
/** A hint is followed by a second look this much later: writes landing just after a read are not left waiting. */
const RECHECK_MS = 40;
const ACTIVE_POLL_MS = 1000;
const ACTIVE_POLL_MS_POLLING = 250;
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
const MAX_RETRY_MS = 10_000;
/** ~40 MB of 4 KiB pages (SQLite's default is 1,000): automatic checkpoints, only if the checkpoint worker is lost. */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** One run file the daemon knows of. */
interface Tracked {
  abs: string;
  rel: string;
  /** Its ingest_files row as committed, or an in-memory one not yet committed (nothing read yet). */
  record: FileRecord | null;
  tailer: FileTailer | null;
  /** Device/inode of the open fd. */
  fdDevice: number;
  fdInode: number;
  /** Size and inode last seen, to tell whether a sweep needs to look closer. */
  seenSize: number;
  seenInode: number;
  lastActivity: number;
  /** Its run has a run.end: the fd can be closed sooner. */
  runEnded: boolean;
  /** The path no longer leads to it: read what is left, then forget it. */
  gone: boolean;
  recheck: NodeJS.Timeout | null;
  retry: NodeJS.Timeout | null;
  failures: number;
  /** Set by stop(): the final drain reads up to here and no further (writers may go on appending). */
  drainUpTo: number | null;
}

export function createIngestDaemon(options: IngestOptions): IngestDaemon {
  return new Daemon(options);
}

class Daemon implements IngestDaemon {
  private readonly runsDir: string;
  private readonly log: pino.Logger;
  private readonly store: IngestStore;
  private readonly scratch: ScratchBuffer;
  private readonly maxLineBytes: number;
  private readonly maxDepth: number;
  private readonly hostname: string;
  private readonly staleAfterMs: number;
  private readonly sweepIntervalMs: number;
  private readonly abandonCheckMs: number;
  private readonly idleCloseMs: number;
  private readonly maxOpenFiles: number;
  private readonly watcher: RunsWatcher;
  private readonly files = new Map<string, Tracked>();
  /** Files with work, taking turns. */
  private readonly queue: WorkQueue<Tracked>;
  private readonly listeners = new Set<(change: IngestChange) => void>();
  private readonly timers: NodeJS.Timeout[] = [];
  private pollTimer: NodeJS.Timeout | null = null;
  /** Files with an open fd, oldest opened first. */
  private readonly openFiles = new Set<Tracked>();
  private sweeping: Promise<void> | null = null;
  /** Checkpoints on a worker thread; null for an in-memory database. */
  private checkpointer: Checkpointer | null = null;
  private started = false;
  private stopped = false;
  private isReady = false;
  /** Set in start(), once the runs directory exists. */
  private guard: RealPathGuard | null = null;
  readonly problems = new IngestProblems();
  /** Directories (relative) the last full scan could not read: their problems clear when a scan reads them. */
  private unreadableDirs = new Set<string>();

  constructor(private readonly options: IngestOptions) {
    this.runsDir = resolve(options.runsDir);
    this.log = options.logger;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.hostname = options.hostname ?? osHostname();
    this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 5000;
    this.abandonCheckMs = options.abandonCheckMs ?? 5000;
    this.idleCloseMs = options.idleCloseMs ?? 5000;
    this.maxOpenFiles = options.maxOpenFiles ?? 256;
    const globalFields = options.identifierFields ?? DEFAULT_IDENTIFIER_FIELDS;
    const defaultFold = { identifierFields: globalFields };
    this.store = new IngestStore(options.db, this.runsDir, (run) => {
      // Looked up per batch, so a reloaded config file applies from the next line on.
      const own = options.identifierFieldsOf?.(run.clubSlug, run.pipeline) ?? null;
      return own === null || own.length === 0 ? defaultFold : { identifierFields: [...own, ...globalFields] };
    });
    this.queue = new WorkQueue<Tracked>(
      (tracked) => {
        const more = this.processFile(tracked);
        tracked.failures = 0;
        // A refusal is not cleared by a pass that refused again; anything else is over once a pass succeeds.
        if (this.problems.kindAt(tracked.rel) !== 'outside_runs_dir') this.problems.clear(tracked.rel);
        return more;
      },
      (tracked, error) => this.failed(tracked, error),
      SLICE_MS,
    );
    this.scratch = new ScratchBuffer(this.maxLineBytes);
    this.watcher = new RunsWatcher(
      this.runsDir,
      { usePolling: options.usePolling ?? false, logger: this.log },
      { file: (path) => this.hint(path), directory: (path) => this.scanDirectory(path) },
    );
  }

  get ready(): boolean {
    return this.isReady;
  }

  onChange(listener: (change: IngestChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('runboard ingest: start() called twice');
    this.started = true;
    const startedAt = performance.now();
    // Checkpoints (and their fsyncs) run on a worker with its own connection, never inside a commit here, where
    // they held back the API and the live socket; this connection's automatic checkpoints are off meanwhile.
    // Synchronously here, before start() first yields: a stop() from then on always finds it to stop.
    this.checkpointer = Checkpointer.start({
      client: this.options.db.$client,
      logger: this.log,
      intervalMs: this.options.checkpointIntervalMs,
      fallbackAutocheckpointPages: WAL_AUTOCHECKPOINT_PAGES,
    });
    // journal_size_limit truncates the WAL back when it starts over so its file doesn't keep its peak size.
    this.options.db.$client.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    // A runs directory that does not exist yet cannot be watched: create it (pipelines create their own subdirectories).
    makeDirectory(this.runsDir);
    this.guard = new RealPathGuard(this.runsDir);
    for (const record of this.store.loadFiles().values()) {
      const tracked = this.track(join(this.runsDir, record.path), record.path);
      tracked.record = record;
      tracked.seenSize = record.committedOffset;
      tracked.seenInode = record.inode;
    }
    // Watch first, then walk: anything written during the walk is either seen by the walk or hinted.
    await this.watcher.start();
    await this.sweep();
    await this.queue.whenIdle();
    this.runRetention();
    this.checkAbandoned();
    if (this.stopped) return;
    this.isReady = true;
    this.log.info(
      { files: this.files.size, ms: Math.round(performance.now() - startedAt) },
      'runboard ingest: caught up, following live',
    );
    const every = (ms: number, fn: () => void) => {
      const timer = setInterval(fn, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.sweepIntervalMs, () => void this.sweep());
    this.schedulePollActive();
    every(this.abandonCheckMs, () => this.checkAbandoned());
    every(RETENTION_INTERVAL_MS, () => this.runRetention());
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.stop();
    for (const timer of this.timers) clearInterval(timer);
    if (this.pollTimer) clearTimeout(this.pollTimer);
    await this.watcher.close();
    await this.sweeping;
    // Read and commit everything complete in the files still open, then close them.
    for (const tracked of this.files.values()) {
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
    for (const tracked of [...this.openFiles]) this.closeFile(tracked);
    // After the last commit: the worker closes its connection before the caller closes (or checkpoints) the db.
    await this.checkpointer?.stop();
    this.isReady = false;
  }

  // ---- discovering work -------------------------------------------------------------------------------------

  private track(abs: string, rel: string): Tracked {
    let tracked = this.files.get(abs);
    if (tracked === undefined) {
      tracked = {
        abs,
        rel,
        record: null,
        tailer: null,
        fdDevice: -1,
        fdInode: -1,
        seenSize: -1,
        seenInode: -1,
        lastActivity: Date.now(),
        runEnded: false,
        gone: false,
        recheck: null,
        retry: null,
        failures: 0,
        drainUpTo: null,
      };
      this.files.set(abs, tracked);
    }
    return tracked;
  }

  private isRunFile(abs: string): boolean {
    return abs.endsWith(RUN_FILE_EXTENSION) && abs.startsWith(this.runsDir + sep);
  }

  /** A watcher hint: read now, and look again shortly after. */
  private hint(abs: string): void {
    if (this.stopped || !this.isRunFile(abs)) return;
    const tracked = this.track(abs, relativeRunPath(this.runsDir, abs));
    this.enqueue(tracked);
    if (tracked.recheck === null) {
      tracked.recheck = setTimeout(() => {
        tracked.recheck = null;
        if (this.hasUnreadBytes(tracked)) this.enqueue(tracked);
      }, RECHECK_MS);
    }
  }

  /** Cheap look (one fstat) at an open file: anything beyond what was read? A closed file gets a full pass. */
  private hasUnreadBytes(tracked: Tracked): boolean {
    if (tracked.tailer === null) return true;
    try {
      return fstatSync(tracked.tailer.fd).size !== tracked.tailer.readUpTo;
    } catch {
      return true;
    }
  }

  private scanDirectory(dir: string): void {
    if (this.stopped) return;
    void scanRunFiles(dir, (unreadable, error) => this.directoryUnreadable(unreadable, error)).then((paths) => {
      for (const abs of paths) this.hint(abs);
    });
  }

  private enqueue(tracked: Tracked): void {
    if (this.stopped || tracked.retry !== null) return;
    this.queue.add(tracked);
  }

  /** The backstop: stat every run file; anything that differs from what was last seen gets a look. */
  private sweep(): Promise<void> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = this.sweepOnce().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const unreadable = new Set<string>();
    const paths = await scanRunFiles(this.runsDir, (dir, error) => {
      unreadable.add(this.directoryUnreadable(dir, error));
    });
    for (const dir of this.unreadableDirs) if (!unreadable.has(dir)) this.problems.clear(dir);
    this.unreadableDirs = unreadable;
    const present = new Set(paths);
    const CONCURRENCY = 32;
    for (let i = 0; i < paths.length && !this.stopped; i += CONCURRENCY) {
      const slice = paths.slice(i, i + CONCURRENCY);
      const stats = await Promise.all(slice.map((p) => lstat(p).catch(() => null)));
      for (let k = 0; k < slice.length; k++) {
        const st = stats[k];
        const abs = slice[k]!;
        if (!st || !st.isFile()) {
          present.delete(abs);
          continue;
        }
        this.considerStat(abs, st);
      }
    }
    if (this.stopped) return;
    for (const tracked of this.files.values()) {
      if (present.has(tracked.abs) || tracked.gone) continue;
      // The path is gone: one more pass reads what an open fd still holds, then the record is dropped.
      tracked.gone = true;
      this.enqueue(tracked);
    }
  }

  private considerStat(abs: string, st: Stats): void {
    const tracked = this.track(abs, relativeRunPath(this.runsDir, abs));
    // Size and inode tell; mtime alone would send every file to be opened on each start.
    const unread = tracked.tailer
      ? st.size !== tracked.tailer.readUpTo || st.ino !== tracked.fdInode
      : st.size !== tracked.seenSize || st.ino !== tracked.seenInode;
    if (unread) this.enqueue(tracked);
  }

  /** The open-file poll runs more often when the watcher gives no per-write hints (polling mode, or fallback). */
  private schedulePollActive(): void {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.pollActive();
        this.schedulePollActive();
      },
      this.watcher.usingPolling ? ACTIVE_POLL_MS_POLLING : ACTIVE_POLL_MS,
    );
    timer.unref();
    this.pollTimer = timer;
  }

  /** Open files: anything new since the last read? (inotify covers this; it is the backstop, and polling mode.) */
  private pollActive(): void {
    const now = Date.now();
    for (const tracked of this.openFiles) {
      if (tracked.tailer === null) continue;
      let size: number;
      try {
        size = fstatSync(tracked.tailer.fd).size;
      } catch {
        this.enqueue(tracked);
        continue;
      }
      if (size !== tracked.tailer.readUpTo) {
        this.enqueue(tracked);
      } else if (!this.queue.has(tracked)) {
        const idleFor = now - tracked.lastActivity;
        if (idleFor > (tracked.runEnded ? this.idleCloseMs : this.idleCloseMs * 12)) this.closeFile(tracked);
      }
    }
  }

  /** A directory the scan could not read: a problem (logged once); returns its relative path. */
  private directoryUnreadable(dir: string, error: NodeJS.ErrnoException): string {
    const rel = relative(this.runsDir, dir).split(sep).join('/') || '.';
    if (this.problems.report(rel, problemKindOf(error), problemDetail(error))) {
      this.log.error(
        { err: error, dir: rel },
        'runboard ingest: cannot read directory; its run files are not ingested',
      );
    }
    return rel;
  }

  /** A path that leads outside the runs directory: never read; logged and recorded once. */
  private refuse(tracked: Tracked, detail: string): void {
    if (this.problems.report(tracked.rel, 'outside_runs_dir', detail)) {
      this.log.warn(
        { file: tracked.rel, detail },
        'runboard ingest: file refused: its path leads outside the runs directory',
      );
    }
  }

  // ---- doing the work ---------------------------------------------------------------------------------------

  /** Something unexpected (I/O error, database busy beyond its timeout): back off and try again from the committed offset. */
  private failed(tracked: Tracked, error: unknown): void {
    tracked.failures += 1;
    const kind = problemKindOf(error);
    // A full disk is the database's problem, not this file's: one entry however many files wait on it.
    const where = kind === 'disk_full' ? this.options.db.$client.name : tracked.rel;
    if (this.problems.report(where, kind, problemDetail(error))) {
      this.log.error({ err: error, file: tracked.rel, failures: tracked.failures }, 'runboard ingest: pass failed');
    } else {
      // Already listed as a problem (and logged when it appeared): retries every 10 s need not fill the journal.
      this.log.debug(
        { err: error, file: tracked.rel, failures: tracked.failures },
        'runboard ingest: pass failed again',
      );
    }
    this.closeFile(tracked);
    if (this.stopped) return;
    const delay = Math.min(MAX_RETRY_MS, 100 * 2 ** Math.min(tracked.failures, 10));
    tracked.retry = setTimeout(() => {
      tracked.retry = null;
      this.enqueue(tracked);
    }, delay);
  }

  /** One read pass over one file, committed. Returns whether the file has more to read right away. */
  private processFile(tracked: Tracked): boolean {
    if (tracked.tailer === null && !this.openFile(tracked)) return false;
    const tailer = tracked.tailer!;

    // A directory on the way swapped for a symlink: the open fd is still the file that was inside; read what it
    // holds, never what the path leads to now.
    const refusal = this.guard!.checkPath(tracked.rel);
    if (refusal !== null) {
      this.refuse(tracked, refusal);
      tracked.gone = true;
    }

    // Always ask the path (a sweep may have marked it gone just before the file was created again).
    let pathStat: Stats | null = null;
    try {
      if (refusal === null) pathStat = lstatSync(tracked.abs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (refusal !== null) {
      // Gone, as far as this daemon is concerned (set above).
    } else if (pathStat === null || !pathStat.isFile()) {
      tracked.gone = true; // Deleted while being read: finish what the fd still holds, then forget it.
    } else if (pathStat.ino !== tracked.fdInode || pathStat.dev !== tracked.fdDevice) {
      // Replaced by rename: the old inode's bytes are no longer this path's content.
      this.closeFile(tracked);
      this.startOver(
        tracked,
        'replaced',
        `replaced by another file (inode ${tracked.fdInode} → ${pathStat.ino})`,
        pathStat,
      );
      return true;
    } else {
      tracked.gone = false;
    }

    const st = fstatSync(tailer.fd);
    if (st.size < tailer.committedOffset) {
      this.closeFile(tracked);
      this.startOver(tracked, 'truncated', `file shrank from ${tailer.committedOffset} to ${st.size} bytes`, st);
      return !tracked.gone;
    }
    if (st.size < tailer.readUpTo) tailer.rewind(); // Only an uncommitted partial line was cut: read it again.
    tracked.seenSize = st.size;
    tracked.seenInode = st.ino;

    const pass = tailer.readPass(tracked.drainUpTo === null ? st.size : Math.min(st.size, tracked.drainUpTo));
    if (pass.items.length === 0) {
      if (!pass.more && tracked.gone) this.forget(tracked);
      return pass.more;
    }
    const record = tracked.record!;
    const lines = classifyLines(pass.items, {
      maxLineBytes: this.maxLineBytes,
      maxDepth: this.maxDepth,
      fallbackTime: Math.round(st.mtimeMs),
      now: Date.now(),
      path: tracked.rel,
    });
    let committed;
    try {
      committed = this.store.commitBatch({
        file: record,
        lines,
        endOffset: pass.endOffset,
        fingerprint: record.fingerprint === null ? readFingerprint(tailer.fd) : null,
      });
    } catch (error) {
      tailer.rewind();
      throw error;
    }
    tailer.commit(pass.endOffset);
    if (this.problems.size > 0) this.problems.clear(this.options.db.$client.name); // a commit: the disk has room
    tracked.record = committed.file;
    tracked.lastActivity = Date.now();
    const run = committed.change.runs[0];
    if (run !== undefined) tracked.runEnded = run.status === 'success' || run.status === 'failure';
    this.publish(committed.change);
    if (!pass.more && tracked.gone) {
      this.forget(tracked);
      return false;
    }
    return pass.more;
  }

  /** Open a file and decide where to resume: its committed offset, or 0 if it is not the file we knew. */
  private openFile(tracked: Tracked): boolean {
    const refusal = this.guard!.checkPath(tracked.rel);
    if (refusal !== null) {
      this.refuse(tracked, refusal);
      this.dropRefused(tracked);
      return false;
    }
    let fd: number;
    try {
      // O_NOFOLLOW: a symlink planted in the runs directory must not make the daemon read files outside it.
      // O_NONBLOCK: a FIFO named *.ndjson must not block the daemon in open(2) (it is then refused as not a file).
      fd = openSync(tracked.abs, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP' || code === 'EISDIR') {
        this.forget(tracked);
        return false;
      }
      throw error;
    }
    const openedRefusal = this.guard!.checkOpened(tracked.rel, fd);
    if (openedRefusal !== null) {
      closeSync(fd);
      this.refuse(tracked, openedRefusal);
      this.dropRefused(tracked);
      return false;
    }
    if (this.problems.kindAt(tracked.rel) === 'outside_runs_dir') this.problems.clear(tracked.rel);
    let st: Stats;
    try {
      st = fstatSync(fd);
      if (!st.isFile()) {
        closeSync(fd);
        this.forget(tracked);
        return false;
      }
      let offset = 0;
      const known = tracked.record;
      if (known === null) {
        tracked.record = newRecord(tracked.rel, st);
      } else {
        const fingerprintOk =
          known.fingerprint !== null && known.fingerprintBytes !== null && st.size >= known.fingerprintBytes
            ? fingerprintMatches(fd, known.fingerprint, known.fingerprintBytes)
            : null;
        const verdict = compareIdentity(known, {
          device: st.dev,
          inode: st.ino,
          size: st.size,
          fingerprintMatches: fingerprintOk,
        });
        if (verdict.kind === 'same') {
          offset = known.committedOffset;
        } else if (verdict.kind === 'same-moved-device') {
          tracked.record = { ...known, device: st.dev };
          this.store.saveFile(tracked.record);
          offset = known.committedOffset;
        } else if (verdict.kind === 'truncated') {
          this.startOver(tracked, 'truncated', `file shrank from ${known.committedOffset} to ${st.size} bytes`, st);
        } else {
          this.startOver(tracked, 'replaced', verdict.detail, st);
        }
      }
      tracked.tailer = new FileTailer(fd, offset, this.scratch, MAX_LINES_PER_BATCH);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    tracked.fdDevice = st.dev;
    tracked.fdInode = st.ino;
    tracked.gone = false;
    this.openFiles.add(tracked);
    if (this.openFiles.size > this.maxOpenFiles) this.closeLeastActive(tracked);
    return true;
  }

  /**
   * Not read, and not looked at again until a scan finds it inside the runs directory once more (the sweep skips
   * files marked gone; a scan never descends into a symlink). Its record stays: restored, it resumes where it was.
   */
  private dropRefused(tracked: Tracked): void {
    this.queue.delete(tracked);
    tracked.gone = true;
  }

  /** Read a file again from its start: its old run goes, a reject row says why. */
  private startOver(tracked: Tracked, reason: StartOverReason, detail: string, st?: Stats): void {
    const known = tracked.record;
    if (known === null) return;
    const observed = st ? { device: st.dev, inode: st.ino } : { device: known.device, inode: known.inode };
    if (known.committedOffset === 0 && known.runId === null) {
      tracked.record = { ...known, ...observed, fingerprint: null, fingerprintBytes: null };
      return;
    }
    this.log.warn({ file: tracked.rel, reason, detail }, 'runboard ingest: file starts over');
    const { change, file } = this.store.startOver(known, reason, detail, observed);
    tracked.record = file;
    tracked.runEnded = false;
    this.publish(change);
  }

  /** The file is gone for good: close it and drop its record (its run and rows stay). */
  private forget(tracked: Tracked): void {
    this.closeFile(tracked);
    this.queue.delete(tracked);
    if (tracked.recheck) clearTimeout(tracked.recheck);
    if (tracked.retry) clearTimeout(tracked.retry);
    this.files.delete(tracked.abs);
    if (tracked.record !== null) this.store.forgetFile(tracked.rel);
  }

  private closeFile(tracked: Tracked): void {
    if (tracked.tailer === null) return;
    if (tracked.record?.runId != null) this.store.evictRun(tracked.record.runId);
    tracked.tailer.close();
    tracked.tailer = null;
    this.openFiles.delete(tracked);
  }

  private closeLeastActive(keep: Tracked): void {
    let oldest: Tracked | null = null;
    for (const tracked of this.openFiles) {
      if (tracked === keep || this.queue.has(tracked)) continue;
      if (oldest === null || tracked.lastActivity < oldest.lastActivity) oldest = tracked;
    }
    // With every open file busy, the cap is exceeded briefly rather than losing track of work.
    if (oldest !== null) this.closeFile(oldest);
  }

  // ---- periodic housekeeping --------------------------------------------------------------------------------

  private checkAbandoned(): void {
    if (this.stopped) return;
    try {
      const pendingRuns = new Set<number>();
      for (const tracked of this.files.values()) {
        const runId = tracked.record?.runId;
        if (runId == null) continue;
        if (this.queue.has(tracked) || tracked.retry !== null) pendingRuns.add(runId);
        else if (tracked.tailer !== null && fstatSync(tracked.tailer.fd).size > tracked.tailer.readUpTo) {
          pendingRuns.add(runId);
        }
      }
      const marked = this.store.endSilentRuns(
        { now: Date.now(), hostname: this.hostname, staleAfterMs: this.staleAfterMs, isPidAlive },
        (runId) => pendingRuns.has(runId),
      );
      if (marked.runs.length > 0) {
        this.publish({ runs: marked.runs, steps: marked.steps, errors: [], logs: [], stats: emptyBatchStats() });
      }
    } catch (error) {
      this.log.error({ err: error }, 'runboard ingest: abandoned-run check failed');
    }
  }

  private runRetention(): void {
    if (this.stopped) return;
    try {
      const result = this.store.expireRuns(
        retentionCutoff(Date.now(), this.options.retentionDays ?? DEFAULT_RETENTION_DAYS),
        this.options.deleteFilesOnRetention ?? false,
        (path, error) => this.log.warn({ err: error, file: path }, 'runboard ingest: cannot delete expired run file'),
      );
      if (result.removedRunIds.length === 0) return;
      const removed = new Set(result.removedRunIds);
      for (const tracked of this.files.values()) {
        if (tracked.record?.runId != null && removed.has(tracked.record.runId)) {
          tracked.record = { ...tracked.record, runId: null };
        }
      }
      if (this.options.deleteFilesOnRetention) {
        for (const rel of result.files) {
          const tracked = this.files.get(join(this.runsDir, rel));
          if (tracked) {
            tracked.record = null; // Its row is gone already.
            this.forget(tracked);
          }
        }
      }
      this.log.info({ runs: result.removedRunIds.length, files: result.files.length }, 'runboard ingest: retention');
      this.publish({
        runs: [],
        steps: [],
        errors: [],
        logs: [],
        removedRunIds: result.removedRunIds,
        stats: emptyBatchStats(),
      });
    } catch (error) {
      this.log.error({ err: error }, 'runboard ingest: retention failed');
    }
  }

  private publish(change: IngestChange): void {
    this.checkpointer?.noteCommit(change.stats.bytes);
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

function newRecord(rel: string, st: Stats): FileRecord {
  return {
    path: rel,
    device: st.dev,
    inode: st.ino,
    fingerprint: null,
    fingerprintBytes: null,
    committedOffset: 0,
    runId: null,
    generation: 0,
  };
}

function emptyBatchStats(): IngestChange['stats'] {
  return { lines: 0, bytes: 0, rejectsByReason: {}, commitMs: 0, lagMs: null };
}
