// The ingest store's SQL: every statement the batch writer runs, prepared once on the daemon's connection, and the
// chunked insert of a batch's log rows. (A PostgreSQL backend would replace this file and its store-* siblings.)
import type { Database, Statement } from 'better-sqlite3';
import type { RunRow, StepRow } from '../shared/schema.js';
import type { NewErrorRow, NewLogRow } from './fold.js';
import { FILE_COLUMNS, RUN_COLUMNS, STEP_COLUMNS } from './sql-columns.js';
import type { FileRecord } from './store.js';

/** Log rows per multi-row INSERT: one call into SQLite per chunk instead of one per line. */
const LOG_CHUNK_ROWS = 64;
type LogValue = number | string | null;

export interface IngestStatements {
  selectFiles: Statement<[], FileRecord>;
  upsertFile: Statement<[FileRecord & { updatedAt: number }]>;
  deleteFile: Statement<[string]>;
  selectRun: Statement<[number], RunRow>;
  selectRunByIdentity: Statement<[string, string, string], RunRow>;
  selectOwners: Statement<[number, string], { path: string }>;
  insertRun: Statement<[string, string, string, string]>;
  updateRun: Statement<[RunRow]>;
  deleteRun: Statement<[number]>;
  selectSteps: Statement<[number], StepRow>;
  upsertStep: Statement<[StepRow]>;
  insertLog: Statement<[number, number, number, number, string | null, string | null, string | null, string | null]>;
  insertLogChunk: Statement<[LogValue[]]>;
  countLogsInRange: Statement<[number, number, number], { n: number }>;
  insertError: Statement<[NewErrorRow]>;
  insertReject: Statement<[string, number, string, string | null, string | null, number | null, number, number]>;
}

export function prepareIngestStatements(c: Database): IngestStatements {
  return {
    selectFiles: c.prepare(`SELECT ${FILE_COLUMNS} FROM ingest_files`),
    upsertFile: c.prepare(`INSERT INTO ingest_files
        (path, device, inode, fingerprint, fingerprint_bytes, committed_offset, run_id, generation, updated_at)
        VALUES (@path, @device, @inode, @fingerprint, @fingerprintBytes, @committedOffset, @runId, @generation, @updatedAt)
        ON CONFLICT(path) DO UPDATE SET device = excluded.device, inode = excluded.inode,
          fingerprint = excluded.fingerprint, fingerprint_bytes = excluded.fingerprint_bytes,
          committed_offset = excluded.committed_offset, run_id = excluded.run_id,
          generation = excluded.generation, updated_at = excluded.updated_at`),
    deleteFile: c.prepare(`DELETE FROM ingest_files WHERE path = ?`),
    selectRun: c.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`),
    selectRunByIdentity: c.prepare(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE club_slug = ? AND pipeline = ? AND run_key = ?`,
    ),
    selectOwners: c.prepare(`SELECT path FROM ingest_files WHERE run_id = ? AND path != ?`),
    insertRun: c.prepare(`INSERT INTO runs (club_slug, pipeline, run_key, source_file) VALUES (?, ?, ?, ?)`),
    updateRun: c.prepare(`UPDATE runs SET trigger = @trigger, status = @status, started_at = @startedAt,
        finished_at = @finishedAt, duration_ms = @durationMs, created = @created, updated = @updated,
        skipped = @skipped, failed = @failed, error_count = @errorCount, log_count = @logCount, host = @host,
        pid = @pid, exit_code = @exitCode, end_reason = @endReason, summary = @summary,
        last_event_at = @lastEventAt, source_file = @sourceFile
        WHERE id = @id`),
    deleteRun: c.prepare(`DELETE FROM runs WHERE id = ?`),
    selectSteps: c.prepare(`SELECT ${STEP_COLUMNS} FROM run_steps WHERE run_id = ? ORDER BY seq`),
    upsertStep: c.prepare(`INSERT INTO run_steps (run_id, name, club_slug, seq, status, started_at, finished_at,
          duration_ms, created, updated, skipped, failed, progress_done, progress_total, progress_counts, stats)
        VALUES (@runId, @name, @clubSlug, @seq, @status, @startedAt, @finishedAt, @durationMs, @created, @updated,
          @skipped, @failed, @progressDone, @progressTotal, @progressCounts, @stats)
        ON CONFLICT(run_id, name) DO UPDATE SET status = excluded.status, started_at = excluded.started_at,
          finished_at = excluded.finished_at, duration_ms = excluded.duration_ms, created = excluded.created,
          updated = excluded.updated, skipped = excluded.skipped, failed = excluded.failed,
          progress_done = excluded.progress_done, progress_total = excluded.progress_total,
          progress_counts = excluded.progress_counts, stats = excluded.stats`),
    insertLog: c.prepare(`INSERT OR IGNORE INTO run_logs (run_id, offset, time, level, event, step, msg, data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    insertLogChunk: c.prepare<[LogValue[]]>(
      `INSERT OR IGNORE INTO run_logs (run_id, offset, time, level, event, step, msg, data) VALUES ` +
        Array.from({ length: LOG_CHUNK_ROWS }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', '),
    ),
    countLogsInRange: c.prepare(`SELECT count(*) AS n FROM run_logs WHERE run_id = ? AND offset BETWEEN ? AND ?`),
    insertError: c.prepare(`INSERT OR IGNORE INTO run_errors (run_id, offset, club_slug, pipeline, step,
          identifier, system, message, stack, fingerprint, time)
        VALUES (@runId, @offset, @clubSlug, @pipeline, @step, @identifier, @system, @message, @stack,
          @fingerprint, @time)`),
    // OR IGNORE: unique on (file, inode, generation, offset), so replayed bytes never record a reject twice.
    insertReject: c.prepare(`INSERT OR IGNORE INTO ingest_rejects
        (file, offset, reason, detail, excerpt, line_bytes, file_inode, file_generation)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
  };
}

/** Insert rows known to be new; their ids are consecutive within one INSERT, so each chunk's ids are derived. */
export function insertNewLogRows(s: IngestStatements, runId: number, rows: NewLogRow[]): void {
  let i = 0;
  const values: LogValue[] = new Array<LogValue>(LOG_CHUNK_ROWS * 8);
  for (; i + LOG_CHUNK_ROWS <= rows.length; i += LOG_CHUNK_ROWS) {
    for (let k = 0; k < LOG_CHUNK_ROWS; k++) {
      const row = rows[i + k]!;
      const v = k * 8;
      values[v] = runId;
      values[v + 1] = row.offset;
      values[v + 2] = row.time;
      values[v + 3] = row.level;
      values[v + 4] = row.event;
      values[v + 5] = row.step;
      values[v + 6] = row.msg;
      values[v + 7] = row.data;
    }
    const info = s.insertLogChunk.run(values);
    // Checked before: none of these offsets was stored. Anything else is a bug; roll the batch back.
    if (info.changes !== LOG_CHUNK_ROWS) throw new Error('runboard ingest: unexpected run_logs conflict');
    const lastId = Number(info.lastInsertRowid);
    for (let k = 0; k < LOG_CHUNK_ROWS; k++) rows[i + k]!.id = lastId - LOG_CHUNK_ROWS + 1 + k;
  }
  for (; i < rows.length; i++) {
    const row = rows[i]!;
    const info = s.insertLog.run(runId, row.offset, row.time, row.level, row.event, row.step, row.msg, row.data);
    if (info.changes !== 1) throw new Error('runboard ingest: unexpected run_logs conflict');
    row.id = Number(info.lastInsertRowid);
  }
}
