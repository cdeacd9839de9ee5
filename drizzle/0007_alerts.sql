CREATE TABLE `alert_deliveries` (
	`alert_id` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`delivered_at` integer,
	PRIMARY KEY(`alert_id`, `channel`),
	FOREIGN KEY (`alert_id`) REFERENCES `alert_outbox`(`alert_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_deliveries_due` ON `alert_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `alert_memory` (
	`club_slug` text NOT NULL,
	`pipeline` text NOT NULL,
	`memory` text NOT NULL,
	PRIMARY KEY(`club_slug`, `pipeline`)
);
--> statement-breakpoint
CREATE TABLE `alert_outbox` (
	`alert_id` text PRIMARY KEY NOT NULL,
	`club_slug` text NOT NULL,
	`pipeline` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_outbox_created` ON `alert_outbox` (`created`);