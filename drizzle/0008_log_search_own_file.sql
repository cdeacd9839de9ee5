-- The log search index moves to a database file of its own beside this one (issue 11 item 5: indexed on its own
-- thread, so catch-up keeps its pace; see ingest/log-search-index.ts), rebuilt there from the first line. What
-- stays here: the claim (how far the indexer may have read) and the deleted-row notes its trigger writes.
DROP TRIGGER IF EXISTS `run_logs_search_deleted`;
--> statement-breakpoint
DROP TABLE IF EXISTS `run_logs_fts`;
--> statement-breakpoint
DROP TABLE IF EXISTS `log_search_state`;
--> statement-breakpoint
DELETE FROM `log_search_deleted`;
--> statement-breakpoint
-- Every run_logs row with id <= claimed_upto may be in the index: its deletion is noted for the indexer.
CREATE TABLE `log_search_claim` (`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1), `claimed_upto` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `log_search_claim` (`id`, `claimed_upto`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `run_logs_search_deleted` AFTER DELETE ON `run_logs`
WHEN old.`id` <= (SELECT `claimed_upto` FROM `log_search_claim`)
BEGIN
  INSERT OR IGNORE INTO `log_search_deleted` (`id`) VALUES (old.`id`);
END;
