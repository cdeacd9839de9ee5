// What ingest/store-checkpointer.ts (the daemon's thread) and ingest/store-checkpoint-worker.ts (its own thread) say to each
// other. Types only: the worker imports nothing of the daemon at run time.

export interface CheckpointWorkerData {
  /** The database file; the worker opens its own connection to it (connections cannot cross threads). */
  dbFile: string;
  /** A checkpoint pass at least this often while anything was committed. */
  intervalMs: number;
  /** After a pass that did not catch up with the daemon's commits, the next one comes this soon. */
  catchUpRetryMs: number;
  /** Nudges closer together than this are folded into one pass. */
  minGapMs: number;
  /** A WAL file larger than this, with PASSIVE not catching up, is truncated to zero (under the write lock). */
  truncateAboveBytes: number;
}

/** Daemon → worker. */
export type CheckpointCommand =
  /** Much was committed since the last nudge: checkpoint now rather than at the next interval. */
  | { type: 'nudge' }
  /** Close the connection and end the thread. */
  | { type: 'stop' };

export type CheckpointMode = 'PASSIVE' | 'TRUNCATE';

/** Worker → daemon. */
export type CheckpointReport =
  | {
      type: 'checkpointed';
      /** The last mode run in this pass (PASSIVE; TRUNCATE when the WAL grew large and PASSIVE never caught up). */
      mode: CheckpointMode;
      /** A PASSIVE found nothing new to copy: the daemon's next commit starts the WAL over from its beginning. */
      caughtUp: boolean;
      /** 1 when a RESTART/TRUNCATE could not finish without waiting (a reader or the writer was busy). */
      busy: number;
      /** Frames in the WAL, and how many of them are now in the database file. */
      walFrames: number;
      checkpointedFrames: number;
      ms: number;
    }
  | { type: 'failed'; message: string; code: string | null };
