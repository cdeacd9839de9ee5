DROP INDEX `runs_status`;--> statement-breakpoint
CREATE INDEX `runs_status_started` ON `runs` (`status`,`started_at`);--> statement-breakpoint
CREATE INDEX `runs_club_started` ON `runs` (`club_slug`,`started_at`);--> statement-breakpoint
CREATE INDEX `run_errors_time` ON `run_errors` (`time`);