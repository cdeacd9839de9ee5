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

/**
 * `created_at` of each migration applied to `file` (drizzle stores the journal entry's `when` there); empty for a
 * missing file or one never migrated. Beside the migrations it inspects: `runboard migrate` reports from it.
 */
export function appliedMigrations(file: string): Set<number> {
  if (!existsSync(file)) return new Set();
  const db = openDb(file, { migrate: false });
  try {
    const table = db.$client
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
      .get();
    if (!table) return new Set();
    const rows = db.$client.prepare('SELECT created_at FROM __drizzle_migrations').all() as Array<{
      created_at: number;
    }>;
    return new Set(rows.map((row) => Number(row.created_at)));
  } finally {
    db.$client.close();
  }
}
