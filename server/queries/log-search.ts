// Text search in a run's log lines (`q=`): substring semantics, case-insensitive for ASCII, over msg and data, as
// LIKE '%q%' always gave, but found through the trigram index (run_logs_fts) instead of a scan of the run.
//
// The index lives in a database file of its own, attached to the reading connection as `search`
// (attachSearchIndex). It holds rows up to its watermark (ingest/log-search-store.ts); rows above it, the few just
// behind ingest, are scanned; with no index file (yet) the run is scanned, under the query budget. Within a run, row ids grow with the byte offset (a run's lines are inserted in file order
// and ids are AUTOINCREMENT), so the indexed rows of a run all come before its unindexed ones, and walking the
// index in rowid order is walking the run in offset order: a page stops after `limit` matches.
//
// The index is detail=none: it can say which rows hold every trigram of the query, not where. So the query's
// trigrams are ANDed (a superset of the rows that contain the text) and every candidate is confirmed with the
// same LIKE as before: the answer is exactly the LIKE answer, only found faster. A query of 1 or 2 characters
// has no trigram; it scans the run as before, under the query budget.
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import {
  LOG_SEARCH_STATE_TABLE,
  LOG_SEARCH_TABLE,
  SEARCH_SCHEMA,
  searchDbFile,
} from '../../shared/log-search-schema.js';
import { statement } from './statements.js';

/** Trigrams in one MATCH: more narrow the candidates further but each is one more doclist to read. */
const MAX_TRIGRAMS = 12;
/** Above this many unindexed rows (a rebuild, a big catch-up) the run's own index beats scanning them by id. */
const TAIL_SCAN_BY_ID_MAX_ROWS = 50_000;

/** The FTS5 MATCH expression for `text`, or null when it is too short for the trigram index. */
export function trigramMatch(text: string): string | null {
  const chars = Array.from(text);
  if (chars.length < 3) return null;
  const trigrams = [...new Set(chars.slice(0, -2).map((_, i) => chars.slice(i, i + 3).join('')))];
  // Evenly spread, first and last included, so a long query stays selective without reading 200 doclists.
  const picked =
    trigrams.length <= MAX_TRIGRAMS
      ? trigrams
      : Array.from(
          { length: MAX_TRIGRAMS },
          (_, i) => trigrams[Math.round((i * (trigrams.length - 1)) / (MAX_TRIGRAMS - 1))] as string,
        );
  return picked.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
}

export interface SearchCoverage {
  /** Rows with id <= this are in the index (0: none, the index is missing or empty). */
  indexedUpto: number;
  /** Rows above the watermark. */
  unindexedRows: number;
}

/** Which search file each connection has attached (by inode: a rebuilt index is a new file). */
const attached = new WeakMap<Database.Database, number>();

function inodeOf(file: string): number | null {
  try {
    return statSync(file).ino;
  } catch {
    return null;
  }
}

/**
 * Attaches the search database to a reading connection, or attaches it anew when the file was replaced (a
 * rebuild). Outside any transaction (ATTACH and DETACH can't run inside one); a stat per call, no more.
 */
export function attachSearchIndex(client: Database.Database): void {
  const file = searchDbFile(client.name);
  if (file === null) return;
  const inode = inodeOf(file);
  const current = attached.get(client);
  if (inode === current) return;
  if (current !== undefined) {
    attached.delete(client);
    client.exec(`DETACH DATABASE ${SEARCH_SCHEMA}`);
  }
  if (inode === null) return;
  try {
    // A reading connection opens it read-only, like the dashboard itself.
    client.prepare(`ATTACH DATABASE ? AS ${SEARCH_SCHEMA}`).run(file);
    attached.set(client, inode);
  } catch {
    // Unreadable (being created, damaged): searches scan until the next call finds it readable.
  }
}

function searchTablesExist(client: Database.Database): boolean {
  if (!attached.has(client)) return false;
  const found = statement(
    client,
    `SELECT count(*) FROM ${SEARCH_SCHEMA}.sqlite_master WHERE name IN ('${LOG_SEARCH_TABLE}', '${LOG_SEARCH_STATE_TABLE}')`,
  )
    .pluck()
    .get() as number;
  return found === 2;
}

/** Read inside the query's transaction, so the two parts of a search see the same watermark. */
export function searchCoverage(client: Database.Database): SearchCoverage {
  const newest = (statement(client, 'SELECT max(id) FROM run_logs').pluck().get() as number | null) ?? 0;
  if (!searchTablesExist(client)) return { indexedUpto: 0, unindexedRows: newest };
  const upto =
    (statement(client, `SELECT indexed_upto FROM ${SEARCH_SCHEMA}.${LOG_SEARCH_STATE_TABLE}`).pluck().get() as
      number | undefined) ?? 0;
  return { indexedUpto: upto, unindexedRows: Math.max(0, newest - upto) };
}

export interface SearchPart {
  /** FROM ... (the rows' source), with `l` as run_logs. */
  from: string;
  /** How the run is selected: it decides which index the plan uses. */
  runClause: string;
  /** Clauses to AND with the filters, and their parameters (before the filters' ones). */
  clauses: string[];
  params: Array<string | number>;
  /** Walks ids across every run: narrow it to the ids of the run's lines in the range (`f.rowid BETWEEN`). */
  boundById: boolean;
  /** ORDER BY for a direction. */
  order: (direction: 'ASC' | 'DESC') => string;
}

/** The indexed rows that contain every trigram of `match`, walked in rowid (= offset) order. */
export function indexedPart(match: string, indexedUpto: number): SearchPart {
  return {
    // CROSS JOIN keeps the index as the outer loop: its rowid order is the page order, so LIMIT stops early.
    from: `${SEARCH_SCHEMA}.${LOG_SEARCH_TABLE} f CROSS JOIN run_logs l ON l.id = f.rowid`,
    runClause: 'l.run_id = ?',
    boundById: true,
    clauses: [`${LOG_SEARCH_TABLE} MATCH ?`, 'f.rowid <= ?'],
    params: [match, indexedUpto],
    order: (direction) => `f.rowid ${direction}`,
  };
}

/** The rows above the watermark, not in the index yet. */
export function unindexedPart(coverage: SearchCoverage): SearchPart {
  // A short tail is read by id; a long one (index rebuilding) through the run's (run_id, offset) index.
  const byId = coverage.unindexedRows <= TAIL_SCAN_BY_ID_MAX_ROWS;
  return {
    from: byId ? 'run_logs l' : 'run_logs l INDEXED BY run_logs_run_offset',
    // The unary + keeps SQLite from choosing the run's index over the id range for the short tail.
    runClause: byId ? '+l.run_id = ?' : 'l.run_id = ?',
    boundById: false,
    clauses: ['l.id > ?'],
    params: [coverage.indexedUpto],
    order: (direction) => `l."offset" ${direction}`,
  };
}
