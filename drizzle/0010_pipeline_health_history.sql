CREATE TABLE `pipeline_health_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`club_slug` text NOT NULL,
	`pipeline` text NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`since` integer NOT NULL,
	`reason` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pipeline_health_history_key` ON `pipeline_health_history` (`club_slug`,`pipeline`,`id`);--> statement-breakpoint
CREATE INDEX `pipeline_health_history_at` ON `pipeline_health_history` (`at`);