// What ingest/log-search-thread.ts (the daemon's thread) and ingest/log-search-store-worker.ts (its own thread) say to
// each other. Types only.

export interface LogSearchWorkerData {
  /** The dashboard's database; the worker opens its own connection (connections cannot cross threads). */
  dbFile: string;
  /** Rows per index transaction at most. */
  chunkRows: number;
  /** After a poke, wait this long, so live ingest's many small batches become a few larger index transactions. */
  pokeDelayMs: number;
  /** Look for unindexed rows this often even without a poke. */
  idleMs: number;
}

/** Daemon → worker. */
export type LogSearchCommand =
  /** Something was committed; `seq` > 0 asks for a caught-up report that covers it. */
  { type: 'poke'; seq: number } | { type: 'stop' };

/** Worker → daemon. */
export type LogSearchReport =
  /** Nothing left to index, as of a moment after every poke up to `seq` arrived. */
  | { type: 'caught-up'; seq: number; indexedUpto: number }
  | { type: 'failed'; message: string; stack: string | undefined }
  | { type: 'warn'; message: string };
