// SELECT lists that alias snake_case columns to the schema's row types (RunRow, StepRow), for raw statements.

export const RUN_COLUMNS = `id, run_key AS runKey, club_slug AS clubSlug, pipeline, trigger, status,
  started_at AS startedAt, finished_at AS finishedAt, duration_ms AS durationMs, created, updated, skipped, failed,
  error_count AS errorCount, log_count AS logCount, host, pid, exit_code AS exitCode, end_reason AS endReason,
  summary, last_event_at AS lastEventAt, source_file AS sourceFile`;

export const STEP_COLUMNS = `run_id AS runId, name, club_slug AS clubSlug, seq, status, started_at AS startedAt,
  finished_at AS finishedAt, duration_ms AS durationMs, created, updated, skipped, failed,
  progress_done AS progressDone, progress_total AS progressTotal, progress_counts AS progressCounts, stats`;

export const FILE_COLUMNS = `path, device, inode, fingerprint, fingerprint_bytes AS fingerprintBytes,
  committed_offset AS committedOffset, run_id AS runId, generation`;
