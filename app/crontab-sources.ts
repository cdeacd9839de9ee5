// The crontab files the config lists, read with health/crontab.ts and re-read when they change. A stat poll
// (fs.watchFile) rather than fs.watch: it survives the file being replaced (editors, `crontab` and config management
// write a new file and rename it over the old one) and a file that doesn't exist yet, with one stat per file per tick.
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { parseCrontab, type CrontabEntry } from '../health/crontab.js';

export interface CrontabFileStatus {
  file: string;
  entries: number;
  /** Lines that run `runboard exec` but give no schedule, or why the file could not be read. */
  problems: string[];
}

export interface CrontabSources {
  /** Entries of every file, in the order the config lists them. */
  entries(): CrontabEntry[];
  files(): CrontabFileStatus[];
  /** Replaces the watched files (a config reload); reads them at once. */
  setFiles(paths: readonly string[]): void;
  stop(): void;
}

export interface CrontabSourcesOptions {
  /** A file's entries changed after a re-read (not called for setFiles). */
  onChange: (file: string) => void;
  /** How often files are checked for changes (default 1 s). */
  pollMs?: number;
}

interface Watched {
  entries: CrontabEntry[];
  status: CrontabFileStatus;
  listener: (current: Stats, previous: Stats) => void;
}

export function readCrontabFile(file: string): { entries: CrontabEntry[]; status: CrontabFileStatus } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable by this user' : code || 'error';
    return { entries: [], status: { file, entries: 0, problems: [`${file}: cannot read: ${why}`] } };
  }
  const parsed = parseCrontab(text, file);
  return {
    entries: parsed.entries,
    status: {
      file,
      entries: parsed.entries.length,
      problems: parsed.problems.map((problem) => `${problem.source}: ${problem.message}`),
    },
  };
}

export function createCrontabSources(options: CrontabSourcesOptions): CrontabSources {
  const pollMs = options.pollMs ?? 1000;
  const watched = new Map<string, Watched>();

  function watch(file: string): void {
    const first = readCrontabFile(file);
    const item: Watched = {
      ...first,
      listener: (current, previous) => {
        if (current.mtimeMs === previous.mtimeMs && current.size === previous.size && current.ino === previous.ino)
          return;
        const again = readCrontabFile(file);
        item.entries = again.entries;
        item.status = again.status;
        options.onChange(file);
      },
    };
    watched.set(file, item);
    watchFile(file, { interval: pollMs, persistent: false }, item.listener);
  }

  function unwatch(file: string): void {
    const item = watched.get(file);
    if (item) unwatchFile(file, item.listener);
    watched.delete(file);
  }

  return {
    entries: () => [...watched.values()].flatMap((item) => item.entries),
    files: () => [...watched.values()].map((item) => item.status),
    setFiles(paths) {
      for (const file of [...watched.keys()]) unwatch(file);
      for (const file of paths) if (!watched.has(file)) watch(file);
    },
    stop() {
      for (const file of [...watched.keys()]) unwatch(file);
    },
  };
}
