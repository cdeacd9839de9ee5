// One run file the daemon knows of, and what the parts of the daemon share to work on it (discovery, the open-file
// registry, the read pass, housekeeping).
import type { Stats } from 'node:fs';
import type pino from 'pino';
import type { IngestChange } from '../shared/ingest-change.js';
import type { IngestProblems } from './ingest-problems.js';
import type { FileRecord, IngestStore } from './store.js';
import type { FileTailer } from './tailer.js';
import type { WorkQueue } from './work-queue.js';

export interface Tracked {
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

export function newTracked(abs: string, rel: string): Tracked {
  return {
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
}

/** The record of a file seen for the first time: nothing read, no run yet. */
export function newFileRecord(rel: string, st: Stats): FileRecord {
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

/** What every part of the daemon works with: set up once by daemon.ts. */
export interface DaemonContext {
  /** Absolute, resolved. */
  readonly runsDir: string;
  readonly log: pino.Logger;
  readonly store: IngestStore;
  readonly problems: IngestProblems;
  /** Files with work, taking turns. */
  readonly queue: WorkQueue<Tracked>;
  /** stop() was called: start nothing new. */
  isStopped(): boolean;
  /** Give a file a turn (unless stopping, or it waits for a retry). */
  enqueue(tracked: Tracked): void;
  /** Hand a committed change to the listeners. */
  publish(change: IngestChange): void;
}
