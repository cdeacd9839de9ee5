// Error rows: a run's errors in file order, and the error browser's list newest first, both keyset-paged.
import type { Db } from '../../shared/db.js';
import { runErrors, type ErrorRow } from '../../shared/schema.js';
import { budgetCheck } from './budget.js';
import { Conditions } from './conditions.js';
import { decodeIntegerCursor, encodeCursor } from './cursor.js';
import type { RowPage } from './runs.js';
import { selectList, statement } from './statements.js';

const ERROR_COLUMNS = selectList(runErrors);
const RUN_ERRORS_CURSOR = 'run-errors';
const ERRORS_CURSOR = 'errors';

export function listRunErrors(db: Db, runId: number, cursor: string | undefined, limit: number): RowPage<ErrorRow> {
  const [afterOffset = -1] = cursor === undefined ? [] : decodeIntegerCursor(cursor, RUN_ERRORS_CURSOR, 1);
  const rows = statement(
    db.$client,
    `SELECT ${ERROR_COLUMNS} FROM run_errors WHERE run_id = ? AND "offset" > ? ORDER BY "offset" LIMIT ?`,
  ).all(runId, afterOffset, limit + 1) as ErrorRow[];
  if (rows.length <= limit) return { rows, nextCursor: null };
  rows.length = limit;
  return { rows, nextCursor: encodeCursor(RUN_ERRORS_CURSOR, [(rows[limit - 1] as ErrorRow).offset]) };
}

export interface ErrorFilter {
  club?: string | undefined;
  pipeline?: string | undefined;
  system?: string | undefined;
  identifier?: string | undefined;
  fingerprint?: string | undefined;
  runId?: number | undefined;
}

const FILTER_COLUMNS: Record<keyof ErrorFilter, string> = {
  club: 'club_slug',
  pipeline: 'pipeline',
  system: 'system',
  identifier: 'identifier',
  fingerprint: 'fingerprint',
  runId: 'run_id',
};

/** Newest first by (time, id). */
export function listErrors(db: Db, filter: ErrorFilter, cursor: string | undefined, limit: number): RowPage<ErrorRow> {
  // Filters without an index (system) scan: the budget counts every row looked at.
  const conditions = new Conditions(budgetCheck(db.$client));
  for (const key of Object.keys(FILTER_COLUMNS) as Array<keyof ErrorFilter>) {
    conditions.addIf(`${FILTER_COLUMNS[key]} = ?`, filter[key]);
  }
  if (cursor !== undefined) conditions.add('(time, id) < (?, ?)', ...decodeIntegerCursor(cursor, ERRORS_CURSOR, 2));
  const rows = statement(
    db.$client,
    `SELECT ${ERROR_COLUMNS} FROM run_errors ${conditions.where()} ORDER BY time DESC, id DESC LIMIT ?`,
  ).all(...conditions.params, limit + 1) as ErrorRow[];
  if (rows.length <= limit) return { rows, nextCursor: null };
  rows.length = limit;
  const last = rows[limit - 1] as ErrorRow;
  return { rows, nextCursor: encodeCursor(ERRORS_CURSOR, [last.time, last.id]) };
}
