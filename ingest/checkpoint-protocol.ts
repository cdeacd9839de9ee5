// What ingest/checkpointer.ts (the daemon's thread) and ingest/checkpoint-worker.ts (its own thread) say to each
// other. Types only: the worker imports nothing of the daemon at run time.

export interface CheckpointWorkerData {
  /** The database file; the worker opens its own connection to it (connections cannot cross threads). */
  dbFile: string;
  /** A checkpoint pass at least this often while anything was committed. */
  intervalMs: number;
  /** Nudges closer together than this are folded into one pass. */
  minGapMs: number;
  /** A WAL file larger than this is truncated to zero (instead of only restarted) once it is fully copied. */
  truncateAboveBytes: number;
}

/** Daemon → worker. */
export type CheckpointCommand =
  /** Much was committed since the last nudge: checkpoint now rather than at the next interval. */
  | { type: 'nudge' }
  /** Close the connection and end the thread. */
  | { type: 'stop' };

export type CheckpointMode = 'PASSIVE' | 'RESTART' | 'TRUNCATE';

/** Worker → daemon. */
export type CheckpointReport =
  | {
      type: 'checkpointed';
      /** The last mode run in this pass (PASSIVE first; RESTART or TRUNCATE when PASSIVE copied everything). */
      mode: CheckpointMode;
      /** 1 when a RESTART/TRUNCATE could not finish without waiting (a reader or the writer was busy). */
      busy: number;
      /** Frames in the WAL, and how many of them are now in the database file. */
      walFrames: number;
      checkpointedFrames: number;
      ms: number;
    }
  | { type: 'failed'; message: string; code: string | null };
