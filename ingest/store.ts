// Writing to dashboard.sqlite: one transaction per batch, holding the rows derived from a file's bytes AND the
// file's committed offset, so a crash at any moment leaves either both or neither. Prepared statements on the
// raw better-sqlite3 connection; rows are idempotent on (run, byte offset), so a replay is harmless.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../shared/db.js';
import { markAbandonedRuns, type AbandonCheck } from './abandoned.js';
import { applyRetention, type RetentionResult } from './retention.js';
import type { ErrorRow, RunRow, StepRow } from '../shared/schema.js';
import type { BatchStats, IngestChange } from '../shared/ingest-change.js';
import type { ClassifiedLines, RejectRecord } from './classify-lines.js';
import type { Fingerprint } from './file-identity.js';
import { foldSafely } from './fold-safely.js';
import {
  DEFAULT_FOLD_OPTIONS,
  emptyRun,
  type FoldLine,
  type FoldOptions,
  type NewErrorRow,
  type NewLogRow,
  type RunState,
} from './fold.js';
import { fallbackIdentities, runIdentityOf, type RunIdentity } from './run-identity.js';
import { FILE_COLUMNS, RUN_COLUMNS, STEP_COLUMNS } from './sql-columns.js';

/** What the daemon keeps of a file: a mirror of its ingest_files row. */
export interface FileRecord {
  /** Relative to the runs directory, forward slashes. */
  path: string;
  device: number;
  inode: number;
  fingerprint: string | null;
  fingerprintBytes: number | null;
  committedOffset: number;
  runId: number | null;
  generation: number;
}

export interface BatchToStore {
  file: FileRecord;
  lines: ClassifiedLines;
  /** Offset just past the batch's last line: the file's new committed offset. */
  endOffset: number;
  /** The file's first-line fingerprint, when the record has none yet. */
  fingerprint: Fingerprint | null;
}

export type StartOverReason = 'truncated' | 'replaced';

/** Log rows per multi-row INSERT: one call into SQLite per chunk instead of one per line. */
const LOG_CHUNK_ROWS = 64;
type LogValue = number | string | null;

function emptyStats(): BatchStats {
  return { lines: 0, bytes: 0, rejectsByReason: {}, commitMs: 0, lagMs: null };
}

export class IngestStore {
  private readonly client: Db['$client'];
  /**
   * Run states as last committed, for runs whose file is being read: saves reading the run and its steps back
   * for every batch. Every write to runs goes through this class (batches, start-overs, silent runs, retention),
   * so it can keep these true. Filled only after a commit succeeded.
   */
  private readonly runStates = new Map<number, RunState>();
  private readonly s: {
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
  };

  constructor(
    private readonly db: Db,
    private readonly runsDir: string,
    /** How to fold a run's lines; per run, as its pipeline's own identifier fields may differ. */
    private readonly foldOptionsFor: (run: RunRow) => FoldOptions = () => DEFAULT_FOLD_OPTIONS,
  ) {
    const c = (this.client = db.$client);
    this.s = {
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

  /** Every file the database knows, by relative path. */
  loadFiles(): Map<string, FileRecord> {
    const files = new Map<string, FileRecord>();
    for (const row of this.s.selectFiles.all()) files.set(row.path, row);
    return files;
  }

  /**
   * Store one batch of a file in one transaction: its rows, its rejects and its new committed offset.
   * Returns what changed (for listeners) and the file's record as committed. Throws if the transaction failed,
   * in which case nothing of it was written.
   */
  commitBatch(batch: BatchToStore): { change: IngestChange; file: FileRecord } {
    const started = performance.now();
    let result;
    try {
      result = this.client.transaction(() => this.writeBatch(batch)).immediate();
    } catch (error) {
      if (batch.file.runId !== null) this.runStates.delete(batch.file.runId);
      throw error;
    }
    result.change.stats.commitMs = performance.now() - started;
    for (const id of result.change.removedRunIds ?? []) this.runStates.delete(id);
    const run = result.change.runs[0];
    if (run !== undefined && result.state !== null) this.runStates.set(run.id, result.state);
    return { change: result.change, file: result.file };
  }

  /** Drop the remembered state of a run whose file is closed (it is read back from the database when needed). */
  evictRun(runId: number): void {
    this.runStates.delete(runId);
  }

  /**
   * Ends the running runs whose writer is gone (abandoned, ended, or failure: see abandoned.ts), except runs with
   * bytes still waiting to be read. The store writes them, so it keeps its remembered run states true.
   */
  endSilentRuns(
    check: AbandonCheck,
    hasPendingBytes: (runId: number) => boolean,
  ): { runs: RunRow[]; steps: StepRow[] } {
    const ended = markAbandonedRuns(this.db, check, hasPendingBytes);
    for (const run of ended.runs) this.runStates.delete(run.id);
    return ended;
  }

  /** Removes the runs (and, when asked, the files) that retention expires; see retention.ts. */
  expireRuns(
    cutoff: number,
    deleteFiles: boolean,
    onFileError: (path: string, error: unknown) => void,
  ): RetentionResult {
    const result = applyRetention(this.db, this.runsDir, cutoff, deleteFiles, onFileError);
    for (const id of result.removedRunIds) this.runStates.delete(id);
    return result;
  }

  private writeBatch(batch: BatchToStore): { change: IngestChange; file: FileRecord; state: RunState | null } {
    const file: FileRecord = { ...batch.file, committedOffset: batch.endOffset };
    if (file.fingerprint === null && batch.fingerprint !== null) {
      file.fingerprint = batch.fingerprint.hash;
      file.fingerprintBytes = batch.fingerprint.bytes;
    }
    const change: IngestChange = { runs: [], steps: [], errors: [], logs: [], stats: emptyStats() };
    const { accepted, rejected } = batch.lines;
    /** Lines the fold threw on: rejected, so one line's bug never stops its file. */
    const failed: RejectRecord[] = [];
    let committedState: RunState | null = null;

    if (accepted.length > 0) {
      let state = file.runId === null ? null : (this.runStates.get(file.runId) ?? this.loadRunState(file.runId));
      if (state === null) {
        // First accepted line of the file (or its run was deleted under it, e.g. by retention): find its run.
        const removed: number[] = [];
        file.runId = this.resolveRun(file.path, accepted[0]!, removed);
        if (removed.length > 0) change.removedRunIds = removed;
        state = this.loadRunState(file.runId)!;
      }
      committedState = this.writeLines(state, accepted, change, failed);
    }

    for (const reject of rejected) this.insertReject(file, reject, change.stats);
    for (const reject of failed) this.insertReject(file, reject, change.stats);
    this.s.upsertFile.run({ ...file, updatedAt: Date.now() });

    change.stats.lines = batch.lines.lines;
    change.stats.notedByField = batch.lines.notedByField;
    change.stats.bytes = batch.lines.bytes;
    let newest: number | null = null;
    for (const item of accepted) {
      const time = item.line.time;
      if (time !== null && (newest === null || time > newest)) newest = time;
    }
    change.stats.lagMs = newest === null ? null : Date.now() - newest;
    return { change, file, state: committedState };
  }

  /** Insert the lines' rows and fold them into the run; returns the run's new state. */
  private writeLines(state: RunState, lines: FoldLine[], change: IngestChange, failed: RejectRecord[]): RunState {
    const runId = state.run.id;
    const foldOptions = this.foldOptionsFor(state.run);
    let folded = foldSafely(state, lines, failed, foldOptions);
    if (folded.logs.length === 0) return state;
    const rows = folded.logs;
    // Nothing of this batch stored yet (the normal case: offsets commit with their rows): insert in chunks.
    // Otherwise (a replay) row by row, so each line's effects are applied only if its row is new.
    const stored = this.s.countLogsInRange.get(runId, rows[0]!.offset, rows[rows.length - 1]!.offset)!.n;
    if (stored === 0) {
      this.insertLogsInChunks(runId, rows);
      for (const row of rows) change.logs.push(row);
    } else {
      for (const row of rows) {
        const info = this.s.insertLog.run(
          runId,
          row.offset,
          row.time,
          row.level,
          row.event,
          row.step,
          row.msg,
          row.data,
        );
        if (info.changes > 0) {
          row.id = Number(info.lastInsertRowid);
          change.logs.push(row);
        }
      }
      const fresh = new Set(change.logs.map((row) => row.offset));
      lines = lines.filter((item) => fresh.has(item.offset));
      if (lines.length === 0) return state;
      folded = foldSafely(state, lines, [], foldOptions);
    }
    for (const error of folded.errors) {
      const info = this.s.insertError.run(error);
      if (info.changes > 0) change.errors.push({ id: Number(info.lastInsertRowid), ...error } satisfies ErrorRow);
    }
    this.s.updateRun.run(folded.state.run);
    // Copies: listeners get their own rows; the state itself is remembered for the next batch.
    change.runs.push({ ...folded.state.run });
    for (const name of folded.touchedSteps) {
      const step = folded.state.steps.get(name)!;
      this.s.upsertStep.run(step);
      change.steps.push({ ...step });
    }
    return folded.state;
  }

  /** Insert rows known to be new; their ids are consecutive within one INSERT, so each chunk's ids are derived. */
  private insertLogsInChunks(runId: number, rows: NewLogRow[]): void {
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
      const info = this.s.insertLogChunk.run(values);
      // Checked before: none of these offsets was stored. Anything else is a bug; roll the batch back.
      if (info.changes !== LOG_CHUNK_ROWS) throw new Error('runboard ingest: unexpected run_logs conflict');
      const lastId = Number(info.lastInsertRowid);
      for (let k = 0; k < LOG_CHUNK_ROWS; k++) rows[i + k]!.id = lastId - LOG_CHUNK_ROWS + 1 + k;
    }
    for (; i < rows.length; i++) {
      const row = rows[i]!;
      const info = this.s.insertLog.run(runId, row.offset, row.time, row.level, row.event, row.step, row.msg, row.data);
      if (info.changes !== 1) throw new Error('runboard ingest: unexpected run_logs conflict');
      row.id = Number(info.lastInsertRowid);
    }
  }

  private insertReject(file: FileRecord, reject: RejectRecord, stats: BatchStats): void {
    const info = this.s.insertReject.run(
      file.path,
      reject.offset,
      reject.reason,
      reject.detail,
      reject.excerpt,
      reject.lineBytes,
      file.inode,
      file.generation,
    );
    if (info.changes > 0) stats.rejectsByReason[reject.reason] = (stats.rejectsByReason[reject.reason] ?? 0) + 1;
  }

  loadRunState(runId: number): RunState | null {
    const run = this.s.selectRun.get(runId);
    if (run === undefined) return null;
    const steps = new Map<string, StepRow>();
    for (const step of this.s.selectSteps.all(runId)) steps.set(step.name, step);
    return { run, steps };
  }

  /**
   * The run a file feeds, created if needed. Its natural identity normally; if another file that still exists
   * already feeds that run, a fallback identity; a run left by a file that is gone is replaced (its rows came from
   * other bytes, so their offsets mean nothing for this file).
   */
  private resolveRun(path: string, first: FoldLine, removed: number[]): number {
    const natural = runIdentityOf(first.line, path);
    for (const identity of [natural, ...fallbackIdentities(natural, path)]) {
      const existing = this.s.selectRunByIdentity.get(identity.club, identity.pipeline, identity.runKey);
      if (existing === undefined) return this.createRun(identity, path);
      const liveOwners = this.s.selectOwners
        .all(existing.id, path)
        .filter((o) => existsSync(join(this.runsDir, o.path)));
      if (liveOwners.length === 0) {
        this.s.deleteRun.run(existing.id);
        this.runStates.delete(existing.id);
        removed.push(existing.id);
        return this.createRun(identity, path);
      }
    }
    return this.createRun({ ...natural, runKey: `${path}#${Date.now()}` }, path);
  }

  private createRun(identity: RunIdentity, path: string): number {
    const info = this.s.insertRun.run(identity.club, identity.pipeline, identity.runKey, path);
    const id = Number(info.lastInsertRowid);
    // Make sure the row matches emptyRun() exactly, whatever the column defaults.
    this.s.updateRun.run(emptyRun(id, identity, path));
    return id;
  }

  /**
   * A file that must be read again from its start (truncated, replaced, inode reused): its run and the run's rows
   * go, a reject row records why, and the record restarts at offset 0 with the new device/inode.
   */
  startOver(
    file: FileRecord,
    reason: StartOverReason,
    detail: string,
    observed: { device: number; inode: number },
  ): { change: IngestChange; file: FileRecord } {
    return this.client
      .transaction(() => {
        const change: IngestChange = { runs: [], steps: [], errors: [], logs: [], stats: emptyStats() };
        if (file.runId !== null) {
          this.s.deleteRun.run(file.runId);
          this.runStates.delete(file.runId);
          change.removedRunIds = [file.runId];
        }
        this.insertReject(
          file,
          { offset: file.committedOffset, reason, detail, excerpt: null, lineBytes: null },
          change.stats,
        );
        const next: FileRecord = {
          ...file,
          device: observed.device,
          inode: observed.inode,
          fingerprint: null,
          fingerprintBytes: null,
          committedOffset: 0,
          runId: null,
          generation: file.generation + 1,
        };
        this.s.upsertFile.run({ ...next, updatedAt: Date.now() });
        return { change, file: next };
      })
      .immediate();
  }

  /** Remember a file's new device number (same file, renumbered device). */
  saveFile(file: FileRecord): void {
    this.s.upsertFile.run({ ...file, updatedAt: Date.now() });
  }

  /** The file is gone: forget its record (its run and rows stay). */
  forgetFile(path: string): void {
    this.s.deleteFile.run(path);
  }
}
