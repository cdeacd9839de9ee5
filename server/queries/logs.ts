// A run's log lines by byte offset: the newest page, or a page after/before a known offset, optionally filtered.
// Every plan walks the (run_id, offset) index in one direction and stops after limit + 1 matches.
import type { Db } from '../../shared/db.js';
import { runLogs, type LogRow } from '../../shared/schema.js';
import type Database from 'better-sqlite3';
import { budgetCheck } from './budget.js';
import { containsPattern, selectList, statement } from './statements.js';

const LOG_COLUMNS = selectList(runLogs);

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

function filterClauses(client: Database.Database, query: LogQuery): { where: string; params: Array<string | number> } {
  // The budget check right after the index term counts every line looked at, matching or not.
  const clauses = ['run_id = ?', budgetCheck(client)];
  const params: Array<string | number> = [query.runId];
  if (query.minLevel !== undefined) {
    clauses.push('level >= ?');
    params.push(query.minLevel);
  }
  if (query.step !== undefined) {
    clauses.push('step = ?');
    params.push(query.step);
  }
  if (query.text !== undefined) {
    const pattern = containsPattern(query.text);
    clauses.push("(msg LIKE ? ESCAPE '\\' OR data LIKE ? ESCAPE '\\')");
    params.push(pattern, pattern);
  }
  return { where: clauses.join(' AND '), params };
}

export function readLogs(db: Db, query: LogQuery): LogPage {
  const client = db.$client;
  const { where, params } = filterClauses(client, query);
  const { after, before, limit } = query;
  const exists = (clause: string, offset: number): boolean =>
    statement(client, `SELECT 1 FROM run_logs WHERE ${where} AND ${clause} LIMIT 1`).get(...params, offset) !==
    undefined;

  if (after !== undefined) {
    // Reading forwards from `after` (and up to `before` when both are given).
    const range = before === undefined ? '"offset" > ?' : '"offset" > ? AND "offset" < ?';
    const rangeParams = before === undefined ? [after] : [after, before];
    const rows = statement(
      client,
      `SELECT ${LOG_COLUMNS} FROM run_logs WHERE ${where} AND ${range} ORDER BY "offset" ASC LIMIT ?`,
    ).all(...params, ...rangeParams, limit + 1) as LogRow[];
    const more = rows.length > limit;
    if (more) rows.length = limit;
    return {
      rows,
      hasOlder: exists('"offset" <= ?', after),
      hasNewer: more || (before !== undefined && exists('"offset" >= ?', before)),
    };
  }

  // Reading backwards: from `before`, or from the end of the run.
  const range = before === undefined ? '' : ' AND "offset" < ?';
  const rows = statement(
    client,
    `SELECT ${LOG_COLUMNS} FROM run_logs WHERE ${where}${range} ORDER BY "offset" DESC LIMIT ?`,
  ).all(...params, ...(before === undefined ? [] : [before]), limit + 1) as LogRow[];
  const more = rows.length > limit;
  if (more) rows.length = limit;
  rows.reverse();
  return { rows, hasOlder: more, hasNewer: before !== undefined && exists('"offset" >= ?', before) };
}
