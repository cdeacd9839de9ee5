// Lines ingest rejected, newest first, keyset-paged by id.
import type { Db } from '../../shared/db.js';
import { ingestRejects, type RejectRow } from '../../shared/schema.js';
import { Conditions } from './conditions.js';
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
  const conditions = new Conditions();
  conditions.addIf('reason = ?', filter.reason);
  conditions.addIf('file = ?', filter.file);
  if (cursor !== undefined) conditions.add('id < ?', ...decodeIntegerCursor(cursor, REJECTS_CURSOR, 1));
  const rows = statement(
    db.$client,
    `SELECT ${REJECT_COLUMNS} FROM ingest_rejects ${conditions.where()} ORDER BY id DESC LIMIT ?`,
  ).all(...conditions.params, limit + 1) as RejectRow[];
  if (rows.length <= limit) return { rows, nextCursor: null };
  rows.length = limit;
  return { rows, nextCursor: encodeCursor(REJECTS_CURSOR, [(rows[limit - 1] as RejectRow).id]) };
}
