// SELECT lists derived from the drizzle schema: `"run_key" AS "runKey", ...`, so raw better-sqlite3 rows come back
// as drizzle's row types (RunRow, StepRow, ...) without mapping. The one mechanism for the ingest store's and the
// server queries' hand-written statements: a column added to shared/schema.ts appears in both by itself.
import { getTableColumns } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

/**
 * Every column of `table` aliased to its property name, optionally qualified by a table alias (`r."run_key"`), or
 * only the properties named in `only` (a row type that picks some columns).
 */
export function selectList<T extends SQLiteTable>(
  table: T,
  qualifier?: string,
  only?: ReadonlyArray<keyof T['_']['columns'] & string>,
): string {
  const prefix = qualifier ? `${qualifier}.` : '';
  const wanted = only === undefined ? null : new Set<string>(only);
  return Object.entries(getTableColumns(table))
    .filter(([property]) => wanted === null || wanted.has(property))
    .map(([property, column]) => `${prefix}"${column.name}" AS "${property}"`)
    .join(', ');
}
