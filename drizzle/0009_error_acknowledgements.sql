CREATE TABLE `error_acknowledgements` (
	`club_slug` text NOT NULL,
	`pipeline` text NOT NULL,
	`fingerprint` text NOT NULL,
	`acknowledged_by` text NOT NULL,
	`acknowledged_at` integer NOT NULL,
	`through` integer NOT NULL,
	PRIMARY KEY(`club_slug`, `pipeline`, `fingerprint`)
);
