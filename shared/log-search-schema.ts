// The log search index's tables (drizzle/0004_log_search.sql): written by ingest (ingest/log-search-store.ts), read
// by the server's queries (server/queries/log-search.ts). Named once here, the contract between the two.
export const LOG_SEARCH_TABLE = 'run_logs_fts';
export const LOG_SEARCH_STATE_TABLE = 'log_search_state';
