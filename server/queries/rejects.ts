// Lines ingest rejected, newest first, keyset-paged by id.
import type { Db } from '../../shared/db.js';
import { ingestRejects, type RejectRow } from '../../shared/schema.js';
import { decodeIntegerCursor, encodeCursor } from './cursor.js';
import type { RowPage } from './runs.js';
import { selectList, statement } from './statements.js';

const REJECT_COLUMNS = selectList(ingestRejects);
const REJECTS_CURSOR = 'rejects';

export interface RejectFilter {
  reason?: string | undefined;
  file?: string | undefined;
}

export function listRejects(
  db: Db,
  filter: RejectFilter,
  cursor: string | undefined,
  limit: number,
): RowPage<RejectRow> {
  const clauses: string[] = [];
  const params: Array<string | number> = [];
  if (filter.reason !== undefined) {
    clauses.push('reason = ?');
    params.push(filter.reason);
  }
  if (filter.file !== undefined) {
    clauses.push('file = ?');
    params.push(filter.file);
  }
  if (cursor !== undefined) {
    clauses.push('id < ?');
    params.push(...decodeIntegerCursor(cursor, REJECTS_CURSOR, 1));
  }
  const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
  const rows = statement(
    db.$client,
    `SELECT ${REJECT_COLUMNS} FROM ingest_rejects ${where} ORDER BY id DESC LIMIT ?`,
  ).all(...params, limit + 1) as RejectRow[];
  if (rows.length <= limit) return { rows, nextCursor: null };
  rows.length = limit;
  return { rows, nextCursor: encodeCursor(REJECTS_CURSOR, [(rows[limit - 1] as RejectRow).id]) };
}
