// Prepared statements cached per connection and SQL text, and select lists that alias columns to the row types'
// property names so raw better-sqlite3 rows are drizzle's row types (RunRow, LogRow, ...) without mapping.
import type Database from 'better-sqlite3';

// The select lists are derived from the drizzle schema in shared/, the same way for ingest's statements.
export { selectList } from '../../shared/select-list.js';

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The statement for this SQL on this connection, prepared once. Dynamic filters give a handful of texts. */
export function statement(client: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(client);
  if (!cache) caches.set(client, (cache = new Map<string, Database.Statement>()));
  let prepared = cache.get(sql);
  if (!prepared) cache.set(sql, (prepared = client.prepare(sql)));
  return prepared;
}

/** `%text%` for LIKE … ESCAPE '\', so the user's % and _ match themselves. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
