// The log search index kept just behind ingest, in a database file of its own (shared/log-search-schema.ts):
// derived data, so it is built outside the ingest transactions, on its own thread (log-search-store-worker.ts, on the
// other core: trigram indexing costs more than ingest itself) and rebuilt from the first line if it goes missing.
//
// Two watermarks. In the search database, `indexed_upto`: every run_logs row with id <= it is indexed, and
// searches scan the rows above it (server/queries/log-search.ts). In the dashboard's database, `claimed_upto` (at
// or above it, set before rows are read): a run_logs row deleted with an id at or below the claim is noted in
// log_search_deleted by a trigger, and taken out of the index here. Claiming before reading means a row that is
// indexed can't be deleted unnoticed; an id claimed but never indexed costs a no-op delete. Rows only ever get
// larger ids (AUTOINCREMENT), so indexing in id order never skips a committed row.
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { LOG_SEARCH_STATE_TABLE, LOG_SEARCH_TABLE, searchDbFile } from '../shared/log-search-schema.js';

/**
 * Merge segments when 8 (not 4) of a size pile up: measured here, 177k rows/s instead of 139k in 20,000-row
 * transactions, for a few more segments per search to read.
 */
const LIVE_AUTOMERGE = 8;
/**
 * Pages written per merge slice when tidying after a bulk load: about 50 ms here. A million rows' segments merge in
 * about 13 slices (0.6 s), against about a second more of indexing time when merged as they were written.
 */
const MERGE_SLICE_PAGES = 500;

/** The search database's objects (each IF NOT EXISTS: harmless when they exist). */
const SEARCH_SCHEMA_SQL = [
  // Contentless (the text stays in run_logs; rowid = run_logs.id) with detail=none: 4x smaller and 2-3x faster to
  // build than full detail; searches AND the query's trigrams and confirm each candidate with LIKE.
  `CREATE VIRTUAL TABLE IF NOT EXISTS ${LOG_SEARCH_TABLE} USING fts5(msg, data, content='', contentless_delete=1,
     tokenize='trigram', detail='none')`,
  `CREATE TABLE IF NOT EXISTS ${LOG_SEARCH_STATE_TABLE} (id integer PRIMARY KEY NOT NULL CHECK (id = 1),
     indexed_upto integer NOT NULL)`,
  `INSERT OR IGNORE INTO ${LOG_SEARCH_STATE_TABLE} (id, indexed_upto) VALUES (1, 0)`,
  // Live: merge segments when LIVE_AUTOMERGE of a size pile up (the setting persists in the index, so a thread
  // stopped in bulk mode leaves 0 behind: set again on every open).
  `INSERT INTO ${LOG_SEARCH_TABLE} (${LOG_SEARCH_TABLE}, rank) VALUES ('automerge', ${LIVE_AUTOMERGE})`,
  // Bulk mode merges nothing as it goes: let 64 segments (1.28M rows in 20,000-row chunks) pile up on a level
  // before FTS5 forces a merge in the middle of a catch-up.
  `INSERT INTO ${LOG_SEARCH_TABLE} (${LOG_SEARCH_TABLE}, rank) VALUES ('crisismerge', 64)`,
];

/** A claim reaches this far past the rows it is about to read, so claims (writes to the dashboard) stay rare. */
const CLAIM_AHEAD = 50_000;
/** The dashboard's database as the search connection attaches it. */
const DASHBOARD_SCHEMA = 'dashboard';

export interface LogSearchIndexOptions {
  /** Where a rebuild is reported (the worker sends it to the daemon's log). */
  warn?: (message: string) => void;
  /** Rows per index transaction at most (default 2,000): each transaction writes one FTS5 segment. */
  chunkRows?: number;
}

export interface LogSearchIndexer {
  /**
   * Takes deleted rows out and indexes new ones, `maxRows` at most, in one transaction of the search database
   * (creating it first, empty, if it is missing). Returns how many: 0 when there was nothing to do.
   */
  step(maxRows?: number): number;
  /**
   * One slice of merging the segments a bulk load left (rows indexed in full chunks are written without merging, a
   * catch-up's rows become searchable sooner; searches read more segments until this is done). Returns whether it
   * did any work: false once there is nothing to merge.
   */
  tidy(): boolean;
  /** Indexes everything committed so far, and merges what that left. */
  catchUp(): void;
  /** Rows committed but not yet indexed. */
  lag(): number;
  /** The search database's watermark. */
  indexedUpto(): number;
  /** Closes the search database's connection (the dashboard's is the caller's). */
  close(): void;
}

interface MainStatements {
  newest: Database.Statement<[], number | null>;
  claimed: Database.Statement<[], number | undefined>;
  claim: Database.Statement<[number]>;
  /** The id `offset` rows past `after` (in id order), if there are that many. */
  idAfter: Database.Statement<[number, number], number | undefined>;
  deleted: Database.Statement<[number], number>;
  forget: Database.Statement<[number]>;
}

interface SearchDb {
  client: Database.Database;
  inode: number;
  watermark: Database.Statement<[], number>;
  /** Copies the dashboard's rows in an id range into the index, in C (no row crosses into JavaScript). */
  insertRange: Database.Statement<[number, number]>;
  advance: Database.Statement<[number]>;
  unindex: Database.Statement<[number]>;
  tableCount: Database.Statement<[], number>;
  /** Automerge off (bulk) and back on (live). */
  automergeOff: Database.Statement<[]>;
  automergeOn: Database.Statement<[]>;
  mergeSlice: Database.Statement<[]>;
  totalChanges: Database.Statement<[], number>;
  /** Bulk mode: the last chunk was full (a backlog), so automerge is off. */
  bulk: boolean;
  /** Segments may wait to be merged (after bulk mode, or left by an earlier thread). */
  untidy: boolean;
}

function inodeOf(file: string): number | null {
  try {
    return statSync(file).ino;
  } catch {
    return null;
  }
}

/**
 * The indexer over `main` (the dashboard's connection: it reads run_logs there and writes the claim and the
 * deleted-row notes) and the search database beside it, which it opens itself.
 */
export function createLogSearchIndexer(main: Database.Database, options: LogSearchIndexOptions = {}): LogSearchIndexer {
  const file = searchDbFile(main.name);
  if (file === null) throw new Error('runboard: the log search index needs a database file, not an in-memory one');
  const chunkRows = options.chunkRows ?? 2_000;
  const m: MainStatements = {
    newest: main.prepare<[], number | null>('SELECT max(id) FROM run_logs').pluck(),
    claimed: main.prepare<[], number | undefined>('SELECT claimed_upto FROM log_search_claim').pluck(),
    claim: main.prepare('UPDATE log_search_claim SET claimed_upto = ?'),
    idAfter: main
      .prepare<[number, number], number | undefined>(
        'SELECT id FROM run_logs WHERE id > ? ORDER BY id LIMIT 1 OFFSET ?',
      )
      .pluck(),
    deleted: main.prepare<[number], number>('SELECT id FROM log_search_deleted LIMIT ?').pluck(),
    forget: main.prepare('DELETE FROM log_search_deleted WHERE id = ?'),
  };
  let search: SearchDb | null = null;

  function openSearch(path: string): SearchDb {
    const client = new Database(path);
    client.pragma('journal_mode = WAL');
    client.pragma('synchronous = NORMAL');
    client.pragma('busy_timeout = 5000');
    // The dashboard's rows are read through this connection too, so INSERT ... SELECT copies them in C: reading
    // them into JavaScript and inserting one by one cost about a third of the indexer's CPU. Only ever read here
    // (a WAL reader: ingest never waits for it); the claim and the deleted-row notes are written through `main`.
    client.prepare(`ATTACH DATABASE ? AS ${DASHBOARD_SCHEMA}`).run(main.name);
    client.transaction(() => {
      const hadIndex = client.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(LOG_SEARCH_TABLE) !== undefined;
      for (const sql of SEARCH_SCHEMA_SQL) client.exec(sql);
      // A watermark without its index (the table dropped) would hide every line: start over.
      if (!hadIndex) client.exec(`UPDATE ${LOG_SEARCH_STATE_TABLE} SET indexed_upto = 0`);
    })();
    return {
      client,
      inode: statSync(path).ino,
      watermark: client.prepare<[], number>(`SELECT indexed_upto FROM ${LOG_SEARCH_STATE_TABLE}`).pluck(),
      insertRange: client.prepare(
        `INSERT INTO ${LOG_SEARCH_TABLE} (rowid, msg, data)
           SELECT id, msg, data FROM ${DASHBOARD_SCHEMA}.run_logs WHERE id > ? AND id <= ?`,
      ),
      advance: client.prepare(`UPDATE ${LOG_SEARCH_STATE_TABLE} SET indexed_upto = ?`),
      unindex: client.prepare(`DELETE FROM ${LOG_SEARCH_TABLE} WHERE rowid = ?`),
      tableCount: client
        .prepare<[], number>(
          `SELECT count(*) FROM sqlite_master WHERE name IN ('${LOG_SEARCH_TABLE}', '${LOG_SEARCH_STATE_TABLE}')`,
        )
        .pluck(),
      // Literals: FTS5 takes these settings as SQL integers only, and a bound JS number arrives as a real.
      automergeOff: client.prepare(
        `INSERT INTO ${LOG_SEARCH_TABLE} (${LOG_SEARCH_TABLE}, rank) VALUES ('automerge', 0)`,
      ),
      automergeOn: client.prepare(
        `INSERT INTO ${LOG_SEARCH_TABLE} (${LOG_SEARCH_TABLE}, rank) VALUES ('automerge', ${LIVE_AUTOMERGE})`,
      ),
      mergeSlice: client.prepare(
        `INSERT INTO ${LOG_SEARCH_TABLE} (${LOG_SEARCH_TABLE}, rank) VALUES ('merge', ${MERGE_SLICE_PAGES})`,
      ),
      totalChanges: client.prepare<[], number>('SELECT total_changes()').pluck(),
      bulk: false,
      untidy: true,
    };
  }

  /** The open search database; a new, empty one when the file was deleted, replaced or lost its tables. */
  function ensureSearch(path: string): SearchDb {
    if (search !== null && inodeOf(path) === search.inode && (search.tableCount.get() ?? 0) === 2) return search;
    if (search !== null) {
      search.client.close();
      options.warn?.('log search index missing: rebuilding it from the first line');
    }
    search = openSearch(path);
    return search;
  }

  /**
   * The last id of the next `maxRows` rows above `upto` (all of them when fewer), claimed before they are read;
   * null when there are none.
   */
  function rangeToIndex(upto: number, maxRows: number): { last: number; full: boolean } | null {
    const newest = m.newest.get() ?? 0;
    if (maxRows <= 0 || newest <= upto) return null;
    const nth = m.idAfter.get(upto, maxRows - 1);
    const last = nth ?? newest;
    // Claim before reading, far enough ahead that claims (writes to the dashboard) stay rare.
    if ((m.claimed.get() ?? 0) < last) m.claim.run(newest + CLAIM_AHEAD);
    return { last, full: nth !== undefined };
  }

  function step(maxRows = chunkRows): number {
    const s = ensureSearch(file as string);
    const deleted = m.deleted.all(maxRows);
    // Only this indexer moves the watermark: read once, it is the range's start in the transaction too.
    const upto = s.watermark.get() ?? 0;
    const range = rangeToIndex(upto, maxRows - deleted.length);
    if (deleted.length === 0 && range === null) return 0;
    // A full chunk means a backlog: index it without merging as it goes (bulk), and merge once caught up (tidy).
    const bulk = deleted.length === maxRows || range?.full === true;
    const indexed = s.client.transaction(() => {
      if (bulk !== s.bulk) {
        (bulk ? s.automergeOff : s.automergeOn).run();
        s.bulk = bulk;
        if (bulk) s.untidy = true;
      }
      for (const id of deleted) s.unindex.run(id);
      if (range === null) return 0;
      const { changes } = s.insertRange.run(upto, range.last);
      s.advance.run(range.last);
      return changes;
    })();
    // After the index's commit: a crash in between takes them out again, a no-op.
    if (deleted.length > 0) main.transaction(() => deleted.forEach((id) => m.forget.run(id)))();
    return deleted.length + indexed;
  }

  function tidy(): boolean {
    const s = ensureSearch(file as string);
    if (!s.untidy) return false;
    if (s.bulk) {
      s.automergeOn.run();
      s.bulk = false;
    }
    // FTS5's own test of whether a merge found work: total_changes() moves by 2 or more.
    const before = s.totalChanges.get() ?? 0;
    s.client.transaction(() => s.mergeSlice.run())();
    s.untidy = (s.totalChanges.get() ?? 0) - before >= 2;
    return s.untidy;
  }

  return {
    step,
    tidy,
    catchUp() {
      while (step() > 0);
      while (tidy());
    },
    lag() {
      return Math.max(0, (m.newest.get() ?? 0) - (ensureSearch(file).watermark.get() ?? 0));
    },
    indexedUpto() {
      return ensureSearch(file).watermark.get() ?? 0;
    },
    close() {
      search?.client.close();
      search = null;
    },
  };
}
