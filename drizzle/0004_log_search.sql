-- Log search (issue 11 item 5): a trigram FTS5 index over run_logs.msg and run_logs.data, derived data kept just
-- behind ingest by ingest/log-search-index.ts in its own short transactions (never inside an ingest batch).
-- Contentless (the text stays in run_logs only; rowid = run_logs.id) with detail=none (4x smaller and 2-3x faster
-- to build than full detail; searches AND the query's trigrams and confirm each candidate with LIKE).
-- The indexer recreates these objects if they go missing (and re-indexes from the start).
CREATE VIRTUAL TABLE IF NOT EXISTS `run_logs_fts` USING fts5(msg, data, content='', contentless_delete=1, tokenize='trigram', detail='none');
--> statement-breakpoint
-- How far the index has got: every run_logs row with id <= indexed_upto is in it.
CREATE TABLE IF NOT EXISTS `log_search_state` (`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1), `indexed_upto` integer NOT NULL);
--> statement-breakpoint
INSERT OR IGNORE INTO `log_search_state` (`id`, `indexed_upto`) VALUES (1, 0);
--> statement-breakpoint
-- Indexed lines deleted since (retention, a file started over): the indexer removes them from the index. Only an
-- id per deleted row is written in the deleting transaction.
CREATE TABLE IF NOT EXISTS `log_search_deleted` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `run_logs_search_deleted` AFTER DELETE ON `run_logs`
WHEN old.`id` <= (SELECT `indexed_upto` FROM `log_search_state`)
BEGIN
  INSERT OR IGNORE INTO `log_search_deleted` (`id`) VALUES (old.`id`);
END;
