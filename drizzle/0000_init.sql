CREATE TABLE `ingest_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`path` text NOT NULL,
	`device` integer NOT NULL,
	`inode` integer NOT NULL,
	`fingerprint` text,
	`fingerprint_bytes` integer,
	`committed_offset` integer DEFAULT 0 NOT NULL,
	`run_id` integer,
	`generation` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ingest_files_path_unique` ON `ingest_files` (`path`);--> statement-breakpoint
CREATE TABLE `ingest_rejects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`file` text NOT NULL,
	`offset` integer NOT NULL,
	`reason` text NOT NULL,
	`detail` text,
	`excerpt` text,
	`line_bytes` integer,
	`at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ingest_rejects_at` ON `ingest_rejects` (`at`);--> statement-breakpoint
CREATE TABLE `run_errors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`offset` integer NOT NULL,
	`club_slug` text NOT NULL,
	`pipeline` text NOT NULL,
	`step` text,
	`identifier` text,
	`system` text,
	`message` text NOT NULL,
	`stack` text,
	`fingerprint` text NOT NULL,
	`time` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_errors_run_offset` ON `run_errors` (`run_id`,`offset`);--> statement-breakpoint
CREATE INDEX `run_errors_fingerprint` ON `run_errors` (`fingerprint`,`time`);--> statement-breakpoint
CREATE INDEX `run_errors_identifier` ON `run_errors` (`identifier`,`time`);--> statement-breakpoint
CREATE INDEX `run_errors_club_time` ON `run_errors` (`club_slug`,`pipeline`,`time`);--> statement-breakpoint
CREATE TABLE `run_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`offset` integer NOT NULL,
	`time` integer NOT NULL,
	`level` integer NOT NULL,
	`event` text,
	`step` text,
	`msg` text,
	`data` text,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_logs_run_offset` ON `run_logs` (`run_id`,`offset`);--> statement-breakpoint
CREATE TABLE `run_steps` (
	`run_id` integer NOT NULL,
	`name` text NOT NULL,
	`club_slug` text NOT NULL,
	`seq` integer NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`duration_ms` integer,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`progress_done` integer,
	`progress_total` integer,
	`stats` text,
	PRIMARY KEY(`run_id`, `name`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_key` text NOT NULL,
	`club_slug` text NOT NULL,
	`pipeline` text NOT NULL,
	`trigger` text,
	`status` text DEFAULT 'running' NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`duration_ms` integer,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`error_count` integer DEFAULT 0 NOT NULL,
	`log_count` integer DEFAULT 0 NOT NULL,
	`host` text,
	`pid` integer,
	`exit_code` integer,
	`end_reason` text,
	`summary` text,
	`last_event_at` integer,
	`source_file` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runs_identity` ON `runs` (`club_slug`,`pipeline`,`run_key`);--> statement-breakpoint
CREATE INDEX `runs_pipeline_started` ON `runs` (`club_slug`,`pipeline`,`started_at`);--> statement-breakpoint
CREATE INDEX `runs_started` ON `runs` (`started_at`);--> statement-breakpoint
CREATE INDEX `runs_status` ON `runs` (`status`);