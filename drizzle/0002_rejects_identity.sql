ALTER TABLE `ingest_rejects` ADD `file_inode` integer;--> statement-breakpoint
ALTER TABLE `ingest_rejects` ADD `file_generation` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `ingest_rejects_identity` ON `ingest_rejects` (`file`,`file_inode`,`file_generation`,`offset`) WHERE file_inode IS NOT NULL;