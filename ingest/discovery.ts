// Finding work: which run files have bytes not read yet. Three ways, from fastest to surest: the watcher's hints
// (inotify, or chokidar's polling on network filesystems), a poll of the open files (an fstat each), and a sweep
// that stats the whole tree. Each only gives a file a turn in the queue; the read pass decides what is there.
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { relativeRunPath, RUN_FILE_EXTENSION } from '../shared/run-path.js';
import type { FileRegistry } from './file-registry.js';
import { problemDetail, problemKindOf } from './ingest-problems.js';
import type { DaemonContext } from './tracked-file.js';
import { scanRunFiles } from './tree-scan.js';
import { RunsWatcher } from './watcher.js';

/** A hint is followed by a second look this much later: writes landing just after a read are not left waiting. */
const RECHECK_MS = 40;
const ACTIVE_POLL_MS = 1000;
const ACTIVE_POLL_MS_POLLING = 250;
/** Files stat'ed at once by a sweep. */
const SWEEP_CONCURRENCY = 32;

export interface DiscoveryOptions {
  usePolling: boolean;
  /** Full stat sweep of the tree this often. */
  sweepIntervalMs: number;
  /** Close a file's fd after this much silence once its run ended; 12× that otherwise. */
  idleCloseMs: number;
}

export class Discovery {
  private readonly watcher: RunsWatcher;
  private readonly timers: NodeJS.Timeout[] = [];
  private pollTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  /** Directories (relative) the last full scan could not read: their problems clear when a scan reads them. */
  private unreadableDirs = new Set<string>();

  constructor(
    private readonly ctx: DaemonContext,
    private readonly registry: FileRegistry,
    private readonly options: DiscoveryOptions,
  ) {
    this.watcher = new RunsWatcher(
      ctx.runsDir,
      { usePolling: options.usePolling, logger: ctx.log },
      { file: (path) => this.hint(path), directory: (path) => this.scanDirectory(path) },
    );
  }

  /** Start watching (before the first sweep: anything written during it is either seen by it or hinted). */
  watch(): Promise<void> {
    return this.watcher.start();
  }

  /** After catch-up: sweep and poll on timers. */
  follow(): void {
    const timer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
    timer.unref();
    this.timers.push(timer);
    this.schedulePollActive();
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    if (this.pollTimer) clearTimeout(this.pollTimer);
    await this.watcher.close();
    await this.sweeping;
  }

  private isRunFile(abs: string): boolean {
    return abs.endsWith(RUN_FILE_EXTENSION) && abs.startsWith(this.ctx.runsDir + sep);
  }

  /** A watcher hint: read now, and look again shortly after. */
  private hint(abs: string): void {
    if (this.ctx.isStopped() || !this.isRunFile(abs)) return;
    const tracked = this.registry.track(abs, relativeRunPath(this.ctx.runsDir, abs));
    this.ctx.enqueue(tracked);
    if (tracked.recheck === null) {
      tracked.recheck = setTimeout(() => {
        tracked.recheck = null;
        if (this.registry.hasUnreadBytes(tracked)) this.ctx.enqueue(tracked);
      }, RECHECK_MS);
    }
  }

  private scanDirectory(dir: string): void {
    if (this.ctx.isStopped()) return;
    void scanRunFiles(dir, (unreadable, error) => this.directoryUnreadable(unreadable, error)).then((paths) => {
      for (const abs of paths) this.hint(abs);
    });
  }

  /** The backstop: stat every run file; anything that differs from what was last seen gets a look. */
  sweep(): Promise<void> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = this.sweepOnce().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const unreadable = new Set<string>();
    const paths = await scanRunFiles(this.ctx.runsDir, (dir, error) => {
      unreadable.add(this.directoryUnreadable(dir, error));
    });
    for (const dir of this.unreadableDirs) if (!unreadable.has(dir)) this.ctx.problems.clear(dir);
    this.unreadableDirs = unreadable;
    const present = new Set(paths);
    for (let i = 0; i < paths.length && !this.ctx.isStopped(); i += SWEEP_CONCURRENCY) {
      const slice = paths.slice(i, i + SWEEP_CONCURRENCY);
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
    if (this.ctx.isStopped()) return;
    for (const tracked of this.registry.files.values()) {
      if (present.has(tracked.abs) || tracked.gone) continue;
      // The path is gone: one more pass reads what an open fd still holds, then the record is dropped.
      tracked.gone = true;
      this.ctx.enqueue(tracked);
    }
  }

  private considerStat(abs: string, st: Stats): void {
    const tracked = this.registry.track(abs, relativeRunPath(this.ctx.runsDir, abs));
    // Size and inode tell; mtime alone would send every file to be opened on each start.
    const unread = tracked.tailer
      ? st.size !== tracked.tailer.readUpTo || st.ino !== tracked.fdInode
      : st.size !== tracked.seenSize || st.ino !== tracked.seenInode;
    if (unread) this.ctx.enqueue(tracked);
  }

  /** The open-file poll runs more often when the watcher gives no per-write hints (polling mode, or fallback). */
  private schedulePollActive(): void {
    if (this.ctx.isStopped()) return;
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

  /**
   * Open files: anything new since the last read? (inotify covers this; it is the backstop, and polling mode.)
   * A file silent long enough is closed.
   */
  private pollActive(): void {
    const now = Date.now();
    const { idleCloseMs } = this.options;
    for (const tracked of this.registry.openFiles) {
      if (tracked.tailer === null) continue;
      if (this.registry.hasUnreadBytes(tracked)) {
        this.ctx.enqueue(tracked);
      } else if (!this.ctx.queue.has(tracked)) {
        const idleFor = now - tracked.lastActivity;
        if (idleFor > (tracked.runEnded ? idleCloseMs : idleCloseMs * 12)) this.registry.close(tracked);
      }
    }
  }

  /** A directory the scan could not read: a problem (logged once); returns its relative path. */
  private directoryUnreadable(dir: string, error: NodeJS.ErrnoException): string {
    const rel = relative(this.ctx.runsDir, dir).split(sep).join('/') || '.';
    if (this.ctx.problems.report(rel, problemKindOf(error), problemDetail(error))) {
      this.ctx.log.error(
        { err: error, dir: rel },
        'runboard ingest: cannot read directory; its run files are not ingested',
      );
    }
    return rel;
  }
}
