// Hints that something changed under the runs directory. Hints only: the daemon re-checks shortly after each one
// and sweeps with stat every few seconds, so a missed or coalesced event only costs latency, never data.
//
// Two parts, both one-per-directory (never one per file, so 10,000 run files cost no watches or fds):
// - chokidar keeps track of the directory tree (directories come and go: addDir/unlinkDir). It watches directories
//   only, by polling their stats (a stat per directory per second). Not its fs.watch mode: there, every event in a
//   directory (each appended line) makes chokidar re-read that directory and lstat every entry in it, back to back
//   (measured: ~100 readdirs/s and ~2,000 lstat/s for 20 busy files; it grows with the files in the directory, and a
//   pipeline's directory collects thousands of runs).
// - one plain fs.watch (inotify) per directory gives a hint per write, with the file's name, in well under a ms.
// With `usePolling` (network filesystems, where inotify sees nothing) or when the OS runs out of watches, the
// fs.watch part is off and the daemon's own polling of open files and its sweep do the work.
import { watch as fsWatch, type FSWatcher as NodeWatcher, type Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import { RUN_FILE_EXTENSION } from '../shared/run-path.js';

export interface WatchHandlers {
  /** Something happened to this run file (absolute path): appended, created, renamed, deleted. */
  file(absolutePath: string): void;
  /** A directory appeared (absolute path): look for run files in it. */
  directory(absolutePath: string): void;
}

export interface RunsWatcherOptions {
  usePolling: boolean;
  logger: Logger;
  /** How often chokidar polls each directory's stats (default 1000 ms). */
  directoryPollMs?: number;
}

/** Errors that mean the OS ran out of watches or descriptors: fall back to polling. */
const EXHAUSTED = new Set(['ENOSPC', 'EMFILE', 'ENFILE']);

export class RunsWatcher {
  private tree: FSWatcher | null = null;
  private readonly directoryWatches = new Map<string, NodeWatcher>();
  private polling: boolean;
  private ready = false;
  private closed = false;

  constructor(
    private readonly runsDir: string,
    private readonly options: RunsWatcherOptions,
    private readonly handlers: WatchHandlers,
  ) {
    this.runsDir = resolve(runsDir);
    this.polling = options.usePolling;
  }

  /** True when no per-write hints come (polling mode or fallback): the daemon polls open files more often. */
  get usingPolling(): boolean {
    return this.polling;
  }

  /** Number of directories with an fs.watch (for tests and metrics). */
  get watchedDirectories(): number {
    return this.directoryWatches.size;
  }

  /** Resolves once chokidar has walked the tree and every directory has its watch. */
  async start(): Promise<void> {
    const tree = watch(this.runsDir, {
      // Directories only: run files are tailed by the daemon, hinted by the per-directory fs.watch.
      ignored: (path: string, stats?: Stats) => (stats ? !stats.isDirectory() : path.endsWith(RUN_FILE_EXTENSION)),
      ignoreInitial: false,
      persistent: true,
      followSymlinks: false,
      usePolling: true,
      interval: this.options.directoryPollMs ?? 1000,
      atomic: false,
      awaitWriteFinish: false,
    });
    this.tree = tree;
    tree.on('addDir', (path: string) => this.onDirectory(resolve(path)));
    tree.on('unlinkDir', (path: string) => this.unwatchDirectory(resolve(path)));
    tree.on('error', (error: unknown) => this.options.logger.warn({ err: error }, 'runboard ingest: watcher error'));
    await new Promise<void>((resolveReady) => tree.once('ready', () => resolveReady()));
    this.ready = true;
  }

  private onDirectory(dir: string): void {
    if (this.closed) return;
    this.watchDirectory(dir);
    // Directories found by the initial walk are covered by the daemon's own startup scan.
    if (this.ready) this.handlers.directory(dir);
  }

  private watchDirectory(dir: string): void {
    if (this.polling || this.closed || this.directoryWatches.has(dir)) return;
    let watcher: NodeWatcher;
    try {
      watcher = fsWatch(dir, { persistent: false }, (_event, name) => this.onEntry(dir, name));
    } catch (error) {
      this.onWatchError(dir, error);
      return;
    }
    watcher.on('error', (error) => this.onWatchError(dir, error));
    this.directoryWatches.set(dir, watcher);
  }

  private onEntry(dir: string, name: string | Buffer | null): void {
    if (this.closed || name === null) return;
    const entry = join(dir, name.toString());
    if (entry.endsWith(RUN_FILE_EXTENSION)) {
      this.handlers.file(entry);
      return;
    }
    // Perhaps a new directory (say `mkdir -p club/pipeline`): chokidar's poll would find it within a second;
    // watching it (and what is already inside) now, then scanning it, leaves no gap.
    if (this.directoryWatches.has(entry)) return;
    void lstat(entry).then(
      async (stats) => {
        if (!stats.isDirectory() || this.directoryWatches.has(entry)) return;
        await this.watchTree(entry);
        if (!this.closed) this.handlers.directory(entry);
      },
      () => undefined,
    );
  }

  private async watchTree(dir: string): Promise<void> {
    this.watchDirectory(dir);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory()) await this.watchTree(join(dir, entry.name));
    }
  }

  private unwatchDirectory(dir: string): void {
    this.directoryWatches.get(dir)?.close();
    this.directoryWatches.delete(dir);
  }

  private onWatchError(dir: string, error: unknown): void {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (EXHAUSTED.has(code)) {
      if (!this.polling) {
        this.options.logger.warn({ code }, 'runboard ingest: out of file watches, falling back to polling');
        this.polling = true;
        for (const watcher of this.directoryWatches.values()) watcher.close();
        this.directoryWatches.clear();
      }
      return;
    }
    // The directory went away (or cannot be watched): chokidar reports removals; the sweep covers the rest.
    this.unwatchDirectory(dir);
    if (code !== 'ENOENT' && code !== 'EPERM') {
      this.options.logger.warn({ err: error, dir }, 'runboard ingest: cannot watch directory');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const watcher of this.directoryWatches.values()) watcher.close();
    this.directoryWatches.clear();
    const tree = this.tree;
    this.tree = null;
    await tree?.close();
  }
}
