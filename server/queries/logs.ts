// A run's log lines by byte offset: the newest page, or a page after/before a known offset, optionally filtered.
// Every plan walks one index in one direction and stops after limit + 1 matches: the (run_id, offset) index, or
// for a text search the trigram index and then the few rows it does not hold yet (see log-search.ts).
import type Database from 'better-sqlite3';
import type { Db } from '../../shared/db.js';
import { runLogs, type LogRow } from '../../shared/schema.js';
import { budgetCheck } from './budget.js';
import { Conditions } from './conditions.js';
import { indexedPart, searchCoverage, trigramMatch, unindexedPart, type SearchPart } from './log-search.js';
import { containsPattern, selectList, statement } from './statements.js';

const LOG_COLUMNS = selectList(runLogs, 'l');

export interface LogQuery {
  runId: number;
  /** Lines strictly after this byte offset. */
  after?: number | undefined;
  /** Lines strictly before this byte offset. */
  before?: number | undefined;
  limit: number;
  minLevel?: number | undefined;
  step?: string | undefined;
  /** Substring of the message or of the line's other fields (case-insensitive for ASCII). */
  text?: string | undefined;
}

export interface LogPage {
  /** In file order (ascending offset). */
  rows: LogRow[];
  hasOlder: boolean;
  hasNewer: boolean;
}

type Direction = 'ASC' | 'DESC';

/** An offset range as SQL on `l."offset"`, e.g. `l."offset" > ?`. */
interface OffsetRange {
  clauses: string[];
  params: number[];
}

const WHOLE_SCAN: SearchPart = {
  from: 'run_logs l',
  runClause: 'l.run_id = ?',
  boundById: false,
  clauses: [],
  params: [],
  order: (direction) => `l."offset" ${direction}`,
};

/** The level, step and text filters; the budget check first, so it counts every line looked at. */
function filterClauses(client: Database.Database, query: LogQuery): Conditions {
  const conditions = new Conditions(budgetCheck(client));
  conditions.addIf('l.level >= ?', query.minLevel);
  conditions.addIf('l.step = ?', query.step);
  if (query.text !== undefined) {
    const pattern = containsPattern(query.text);
    conditions.add("(l.msg LIKE ? ESCAPE '\\' OR l.data LIKE ? ESCAPE '\\')", pattern, pattern);
  }
  return conditions;
}

/**
 * The sources of matching rows in offset order for `direction`: one for most queries, and for a text search the
 * indexed rows then the unindexed ones (ascending; the other way round descending).
 */
function sourcesOf(client: Database.Database, query: LogQuery, direction: Direction): SearchPart[] {
  const match = query.text === undefined ? null : trigramMatch(query.text);
  if (match === null) return [WHOLE_SCAN];
  const coverage = searchCoverage(client);
  if (coverage.indexedUpto === 0) return [WHOLE_SCAN];
  const parts = [indexedPart(match, coverage.indexedUpto), unindexedPart(coverage)];
  return direction === 'ASC' ? parts : parts.reverse();
}

/**
 * The ids of the run's first and last line in the range (two seeks on the run's index), or null when it has
 * none. Ids grow with offsets within a run, so these bound every id of the range: the trigram index then reads
 * only that stretch of its lists, not every run's.
 */
function idBounds(
  client: Database.Database,
  runId: number,
  range: OffsetRange,
): { first: number; last: number } | null {
  const where = ['l.run_id = ?', ...range.clauses].join(' AND ');
  const end = (direction: Direction) =>
    statement(client, `SELECT l.id FROM run_logs l WHERE ${where} ORDER BY l."offset" ${direction} LIMIT 1`)
      .pluck()
      .get(runId, ...range.params) as number | undefined;
  const first = end('ASC');
  const last = end('DESC');
  return first === undefined || last === undefined ? null : { first, last };
}

/** Up to `limit` matching rows in the range, in `direction` order of offset. */
function pick(
  client: Database.Database,
  query: LogQuery,
  range: OffsetRange,
  direction: Direction,
  limit: number,
): LogRow[] {
  const filters = filterClauses(client, query);
  const rows: LogRow[] = [];
  for (const part of sourcesOf(client, query, direction)) {
    if (rows.length >= limit) break;
    const clauses = [part.runClause, ...part.clauses, ...filters.clauses, ...range.clauses];
    const params = [query.runId, ...part.params, ...filters.params, ...range.params];
    if (part.boundById) {
      const ids = idBounds(client, query.runId, range);
      if (ids === null) continue;
      clauses.push('f.rowid BETWEEN ? AND ?');
      params.push(ids.first, ids.last);
    }
    const sql = `SELECT ${LOG_COLUMNS} FROM ${part.from} WHERE ${clauses.join(' AND ')} ORDER BY ${part.order(direction)} LIMIT ?`;
    params.push(limit - rows.length);
    rows.push(...(statement(client, sql).all(...params) as LogRow[]));
  }
  return rows;
}

export function readLogs(db: Db, query: LogQuery): LogPage {
  const client = db.$client;
  const { after, before, limit } = query;
  const exists = (clause: string, offset: number): boolean =>
    pick(client, query, { clauses: [clause], params: [offset] }, 'ASC', 1).length > 0;

  if (after !== undefined) {
    // Reading forwards from `after` (and up to `before` when both are given).
    const range: OffsetRange =
      before === undefined
        ? { clauses: ['l."offset" > ?'], params: [after] }
        : { clauses: ['l."offset" > ?', 'l."offset" < ?'], params: [after, before] };
    const rows = pick(client, query, range, 'ASC', limit + 1);
    const more = rows.length > limit;
    if (more) rows.length = limit;
    return {
      rows,
      hasOlder: exists('l."offset" <= ?', after),
      hasNewer: more || (before !== undefined && exists('l."offset" >= ?', before)),
    };
  }

  // Reading backwards: from `before`, or from the end of the run.
  const range: OffsetRange =
    before === undefined ? { clauses: [], params: [] } : { clauses: ['l."offset" < ?'], params: [before] };
  const rows = pick(client, query, range, 'DESC', limit + 1);
  const more = rows.length > limit;
  if (more) rows.length = limit;
  rows.reverse();
  return { rows, hasOlder: more, hasNewer: before !== undefined && exists('l."offset" >= ?', before) };
}
