// Prepared statements cached per connection and SQL text, and select lists that alias columns to the row types'
// property names so raw better-sqlite3 rows are drizzle's row types (RunRow, LogRow, ...) without mapping.
import type Database from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The statement for this SQL on this connection, prepared once. Dynamic filters give a handful of texts. */
export function statement(client: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(client);
  if (!cache) caches.set(client, (cache = new Map<string, Database.Statement>()));
  let prepared = cache.get(sql);
  if (!prepared) cache.set(sql, (prepared = client.prepare(sql)));
  return prepared;
}

/** `"run_key" AS "runKey", ...` for every column of the table (optionally qualified by an alias). */
export function selectList(table: SQLiteTable, qualifier?: string): string {
  const prefix = qualifier ? `${qualifier}.` : '';
  return Object.entries(getTableColumns(table))
    .map(([property, column]) => `${prefix}"${column.name}" AS "${property}"`)
    .join(', ');
}

/** `%text%` for LIKE … ESCAPE '\', so the user's % and _ match themselves. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
