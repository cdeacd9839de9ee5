// Opening dashboard.sqlite: one place that sets the pragmas every connection needs and applies migrations.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { makeDirectory } from './make-directory.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenDbOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  readonly?: boolean;
}

/** The drizzle/ folder, found by walking up from this file (works from source and from dist/). */
export function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('runboard: cannot find the drizzle/ migrations folder');
    dir = parent;
  }
}

export function openDb(file: string, options: OpenDbOptions = {}): Db {
  if (!options.readonly) makeDirectory(dirname(file));
  const client = new Database(file, { readonly: options.readonly ?? false });
  // WAL lets the API read while ingest writes; NORMAL is durable at checkpoints and
  // cannot corrupt in WAL mode, and the ingest offsets make any lost tail re-ingest.
  if (!options.readonly) client.pragma('journal_mode = WAL');
  client.pragma('busy_timeout = 5000');
  client.pragma('foreign_keys = ON');
  client.pragma('synchronous = NORMAL');
  const db: Db = drizzle(client, { schema });
  if (options.migrate !== false && !options.readonly) migrate(db, { migrationsFolder: migrationsFolder() });
  return db;
}
