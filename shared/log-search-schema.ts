// The log search index: a trigram FTS5 table in a database file of its own beside the dashboard's (derived data,
// built on its own thread and rebuilt if lost; see ingest/log-search-store.ts), attached read-only by the server's
// queries as SEARCH_SCHEMA (server/queries/log-search.ts). Named once here, the contract between the two.
import { basename, dirname, extname, join } from 'node:path';

export const LOG_SEARCH_TABLE = 'run_logs_fts';
/** In the search database: `indexed_upto`, every run_logs row with id <= it is in the index. */
export const LOG_SEARCH_STATE_TABLE = 'log_search_state';
/** The schema name the search database is attached under on a reading connection. */
export const SEARCH_SCHEMA = 'search';

/** `dashboard.sqlite` → `dashboard.search.sqlite`, beside it; null for an in-memory database. */
export function searchDbFile(dbFile: string): string | null {
  if (dbFile === '' || dbFile === ':memory:') return null;
  const ext = extname(dbFile);
  return join(dirname(dbFile), `${basename(dbFile, ext)}.search${ext}`);
}
