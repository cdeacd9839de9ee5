// Hints that something changed under the runs directory. chokidar watches the directories only: one inotify
// watch per directory, never one per file, so 10,000 run files cost no watches. Appends and new files show up as
// the directory watchers' raw events (one per write, unthrottled). Hints only: the daemon re-checks and sweeps.
import { resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import type { Logger } from 'pino';
import { RUN_FILE_EXTENSION } from '../shared/run-path.js';

export interface WatchHandlers {
  /** Something happened to this run file (absolute path): appended, created, renamed, deleted. */
  file(absolutePath: string): void;
  /** A directory appeared or changed as a whole (absolute path): look for run files in it. */
  directory(absolutePath: string): void;
}

export interface RunsWatcherOptions {
  usePolling: boolean;
  logger: Logger;
}

/** Errors that mean the OS ran out of watches or descriptors: fall back to polling. */
const EXHAUSTED = new Set(['ENOSPC', 'EMFILE', 'ENFILE']);

export class RunsWatcher {
  private watcher: FSWatcher | null = null;
  private polling: boolean;
  private closed = false;

  constructor(
    private readonly runsDir: string,
    private readonly options: RunsWatcherOptions,
    private readonly handlers: WatchHandlers,
  ) {
    this.runsDir = resolve(runsDir);
    this.polling = options.usePolling;
  }

  get usingPolling(): boolean {
    return this.polling;
  }

  /** Resolves once chokidar has walked the tree and its watches are in place. */
  async start(): Promise<void> {
    const watcher = watch(this.runsDir, {
      // Files are tailed by the daemon; chokidar only watches directories (a directory watch reports its files).
      ignored: (path: string, stats?: Stats) => (stats ? !stats.isDirectory() : path.endsWith(RUN_FILE_EXTENSION)),
      ignoreInitial: true,
      persistent: true,
      followSymlinks: false,
      usePolling: this.polling,
      interval: 500,
      atomic: false,
      awaitWriteFinish: false,
    });
    this.watcher = watcher;
    watcher.on('raw', (_event: string, path: string, details: unknown) => this.onRaw(path, details));
    watcher.on('addDir', (path: string) => this.handlers.directory(resolve(path)));
    watcher.on('error', (error: unknown) => this.onError(error));
    await new Promise<void>((resolveReady) => watcher.once('ready', () => resolveReady()));
  }

  private onRaw(path: string, details: unknown): void {
    if (this.closed || typeof path !== 'string') return;
    const watchedPath =
      typeof details === 'object' && details !== null && 'watchedPath' in details ? details.watchedPath : null;
    if (typeof watchedPath === 'string') {
      // fs.watch on a directory: `path` is the name of the entry that changed.
      if (path.endsWith(RUN_FILE_EXTENSION)) this.handlers.file(resolve(watchedPath, path));
    } else if (path !== '') {
      // Polling (fs.watchFile on a directory): the directory's own stats changed, so an entry came or went.
      this.handlers.directory(resolve(path));
    }
  }

  private onError(error: unknown): void {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (!this.polling && EXHAUSTED.has(code)) {
      this.options.logger.warn({ code }, 'runboard ingest: out of file watches, falling back to polling');
      this.polling = true;
      void this.restart();
      return;
    }
    this.options.logger.warn({ err: error }, 'runboard ingest: watcher error');
  }

  private async restart(): Promise<void> {
    const old = this.watcher;
    this.watcher = null;
    await old?.close();
    if (!this.closed) await this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close();
  }
}
