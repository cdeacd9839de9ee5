CREATE TABLE `pipeline_health` (
	`club_slug` text NOT NULL,
	`pipeline` text NOT NULL,
	`state` text NOT NULL,
	`since` integer NOT NULL,
	`reason` text NOT NULL,
	`watching_since` integer NOT NULL,
	`evaluated_at` integer NOT NULL,
	PRIMARY KEY(`club_slug`, `pipeline`)
);
