// The log search index (run_logs_fts, drizzle/0004_log_search.sql) kept just behind ingest: derived data, so it is
// built in its own short transactions between ingest batches, never inside one, and rebuilt from the start if it
// goes missing. `indexed_upto` is the watermark: every run_logs row with id <= it is indexed, and searches scan
// the few rows above it (server/queries/log-search.ts). Rows only ever get larger ids (AUTOINCREMENT), so
// indexing in id order never skips a committed row.
import type { Logger } from 'pino';
import type Database from 'better-sqlite3';
import type { Db } from '../shared/db.js';
import { LOG_SEARCH_STATE_TABLE, LOG_SEARCH_TABLE } from '../shared/log-search-schema.js';

export { LOG_SEARCH_STATE_TABLE, LOG_SEARCH_TABLE };

/** The same objects as the migration, for a rebuild (each IF NOT EXISTS, so it is harmless when they exist). */
const SCHEMA = [
  `CREATE VIRTUAL TABLE IF NOT EXISTS run_logs_fts USING fts5(msg, data, content='', contentless_delete=1,
     tokenize='trigram', detail='none')`,
  `CREATE TABLE IF NOT EXISTS log_search_state (id integer PRIMARY KEY NOT NULL CHECK (id = 1),
     indexed_upto integer NOT NULL)`,
  `INSERT OR IGNORE INTO log_search_state (id, indexed_upto) VALUES (1, 0)`,
  `CREATE TABLE IF NOT EXISTS log_search_deleted (id integer PRIMARY KEY NOT NULL)`,
  `CREATE TRIGGER IF NOT EXISTS run_logs_search_deleted AFTER DELETE ON run_logs
     WHEN old.id <= (SELECT indexed_upto FROM log_search_state)
     BEGIN INSERT OR IGNORE INTO log_search_deleted (id) VALUES (old.id); END`,
];

export interface LogSearchIndexOptions {
  logger?: Logger;
  /** Rows per transaction at most (default 2,000); fewer when that would take longer than `sliceMs`. */
  chunkRows?: number;
  /** Event-loop time one run of the indexer may take before it yields to ingest and sockets (default 10 ms). */
  sliceMs?: number;
  /** Safety net: look for unindexed rows this often even without a poke (default 1,000 ms). */
  idleMs?: number;
  /**
   * After a poke, wait this long before indexing (default 200 ms), so live ingest's many small batches become a
   * few larger index transactions: each FTS5 transaction writes a segment, and every few segments cost a merge
   * (measured here: 30-100 ms at p99 when indexing after every 10-line batch).
   */
  pokeDelayMs?: number;
}

export interface LogSearchIndexer {
  /**
   * Removes deleted rows and indexes new ones, `maxRows` at most, in one transaction (rebuilding the index first if
   * it is missing). Returns how many: 0 when there was nothing to do.
   */
  step(maxRows?: number): number;
  /** Indexes everything committed so far (tests, benches). */
  catchUp(): void;
  /** Rows committed but not yet indexed. */
  lag(): number;
  /** Ingest committed something: index it soon, in slices. */
  poke(): void;
  start(): void;
  stop(): void;
  /** Resolves true the next time the index has caught up with everything committed, false if stopped first. */
  caughtUp(): Promise<boolean>;
}

interface Statements {
  watermark: Database.Statement<[], number>;
  newest: Database.Statement<[], number | null>;
  rows: Database.Statement<[number, number], { id: number; msg: string | null; data: string | null }>;
  insert: Database.Statement<[number, string | null, string | null]>;
  advance: Database.Statement<[number]>;
  deleted: Database.Statement<[number], number>;
  unindex: Database.Statement<[number]>;
  forget: Database.Statement<[number]>;
}

function tableExists(client: Database.Database, name: string): boolean {
  return client.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(name) !== undefined;
}

export function createLogSearchIndexer(db: Db, options: LogSearchIndexOptions = {}): LogSearchIndexer {
  const client = db.$client;
  const chunkRows = options.chunkRows ?? 2_000;
  const sliceMs = options.sliceMs ?? 10;
  const idleMs = options.idleMs ?? 1_000;
  const pokeDelayMs = options.pokeDelayMs ?? 200;
  let statements: Statements | null = null;
  let scheduled: { cancel: () => void } | null = null;
  let idleTimer: NodeJS.Timeout | null = null;
  let running = false;
  // Sized so one transaction takes about one slice: trigram indexing runs at ~50k rows/s here, and a chunk of
  // 2,000 rows would hold the event loop (and the next ingest commit) for ~40 ms.
  let rowsPerChunk = Math.min(chunkRows, 200);
  let waiters: Array<(caughtUp: boolean) => void> = [];

  /** Creates whatever is missing; a missing index starts over from the first row. */
  function ensureSchema(): void {
    const indexMissing = !tableExists(client, LOG_SEARCH_TABLE) || !tableExists(client, LOG_SEARCH_STATE_TABLE);
    if (!indexMissing && statements) return;
    client.transaction(() => {
      for (const sql of SCHEMA) client.exec(sql);
      if (indexMissing) {
        client.exec('UPDATE log_search_state SET indexed_upto = 0; DELETE FROM log_search_deleted;');
        options.logger?.warn('log search index missing: rebuilding it from the first line');
      }
    })();
    statements = {
      watermark: client.prepare<[], number>('SELECT indexed_upto FROM log_search_state').pluck(),
      newest: client.prepare<[], number | null>('SELECT max(id) FROM run_logs').pluck(),
      rows: client.prepare('SELECT id, msg, data FROM run_logs WHERE id > ? ORDER BY id LIMIT ?'),
      insert: client.prepare('INSERT INTO run_logs_fts (rowid, msg, data) VALUES (?, ?, ?)'),
      advance: client.prepare('UPDATE log_search_state SET indexed_upto = ?'),
      deleted: client.prepare<[number], number>('SELECT id FROM log_search_deleted LIMIT ?').pluck(),
      unindex: client.prepare('DELETE FROM run_logs_fts WHERE rowid = ?'),
      forget: client.prepare('DELETE FROM log_search_deleted WHERE id = ?'),
    };
  }

  /** Rows removed from and added to the index (0: nothing left to do). */
  const indexChunk = (s: Statements, maxRows: number): number => {
    const deleted = s.deleted.all(maxRows);
    for (const id of deleted) {
      s.unindex.run(id);
      s.forget.run(id);
    }
    const rows = s.rows.all(s.watermark.get() ?? 0, maxRows - deleted.length);
    for (const row of rows) s.insert.run(row.id, row.msg, row.data);
    const last = rows.at(-1);
    if (last) s.advance.run(last.id);
    return deleted.length + rows.length;
  };

  function step(maxRows = chunkRows): number {
    ensureSchema();
    const s = statements as Statements;
    return client.transaction(() => indexChunk(s, maxRows))();
  }

  function lag(): number {
    ensureSchema();
    const s = statements as Statements;
    return Math.max(0, (s.newest.get() ?? 0) - (s.watermark.get() ?? 0));
  }

  function settleWaiters(caughtUp: boolean): void {
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve(caughtUp);
  }

  /** One slice: chunks until caught up or the slice is used, then yield (setImmediate) and come back. */
  function runSlice(): void {
    scheduled = null;
    if (!running) return;
    const sliceEnd = performance.now() + sliceMs;
    try {
      while (performance.now() < sliceEnd) {
        const chunkStarted = performance.now();
        const done = step(rowsPerChunk);
        const tookMs = performance.now() - chunkStarted;
        if (done === rowsPerChunk && tookMs > 0) {
          rowsPerChunk = Math.max(50, Math.min(chunkRows, Math.round((rowsPerChunk * sliceMs) / tookMs)));
        }
        if (done === 0) {
          if (lag() === 0) settleWaiters(true);
          return;
        }
      }
    } catch (error) {
      // A full disk or a locked database: the index only falls behind (searches scan the tail); try again later.
      options.logger?.error({ err: error }, 'log search index: indexing failed; retrying');
      return;
    }
    const next = setImmediate(runSlice);
    scheduled = { cancel: () => clearImmediate(next) };
  }

  function poke(): void {
    if (!running || scheduled !== null) return;
    const timer = setTimeout(runSlice, pokeDelayMs);
    scheduled = { cancel: () => clearTimeout(timer) };
  }

  function cancelScheduled(): void {
    scheduled?.cancel();
    scheduled = null;
  }

  return {
    step,
    catchUp() {
      while (step() > 0);
    },
    lag,
    poke,
    start() {
      if (running) return;
      running = true;
      const tick = () => {
        poke();
        idleTimer = setTimeout(tick, idleMs);
        idleTimer.unref();
      };
      tick();
    },
    stop() {
      running = false;
      cancelScheduled();
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      settleWaiters(false);
    },
    caughtUp() {
      if (lag() === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        waiters.push(resolve);
        poke();
      });
    },
  };
}
