// Writing to dashboard.sqlite: one transaction per batch, holding the rows derived from a file's bytes AND the
// file's committed offset, so a crash at any moment leaves either both or neither. Prepared statements on the
// raw better-sqlite3 connection; rows are idempotent on (run, byte offset), so a replay is harmless.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../shared/db.js';
import type { AbandonCheck } from './abandoned.js';
import { markAbandonedRuns } from './store-silent-runs.js';
import { applyRetention, type RetentionResult } from './store-retention.js';
import type { ErrorRow, RunRow, StepRow } from '../shared/schema.js';
import type { BatchStats, IngestChange } from '../shared/ingest-change.js';
import type { ClassifiedLines, RejectRecord } from './classify-lines.js';
import type { Fingerprint } from './file-identity.js';
import { foldBatch, foldSafely, type FoldedBatch } from './fold-safely.js';
import { DEFAULT_FOLD_OPTIONS, emptyRun, type FoldLine, type FoldOptions, type RunState } from './fold.js';
import { fallbackIdentities, runIdentityOf, type RunIdentity } from './run-identity.js';
import { insertNewLogRows, prepareIngestStatements, type IngestStatements } from './store-statements.js';

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
  /**
   * `lines.accepted` folded onto the file's run as `runStateOf(file)` gave it, outside the transaction; null when
   * the file has no run yet (the store resolves the run and folds inside the transaction: only then has it an id).
   */
  folded: FoldedBatch | null;
  /** Offset just past the batch's last line: the file's new committed offset. */
  endOffset: number;
  /** The file's first-line fingerprint, when the record has none yet. */
  fingerprint: Fingerprint | null;
}

export type StartOverReason = 'truncated' | 'replaced';

const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

function emptyStats(): BatchStats {
  return { lines: 0, bytes: 0, rejectsByReason: {}, commitMs: 0, lagMs: null };
}

/** A change that changed nothing yet: callers fill in what did. */
export function emptyChange(): IngestChange {
  return { runs: [], steps: [], errors: [], logs: [], stats: emptyStats() };
}

export class IngestStore {
  private readonly client: Db['$client'];
  /**
   * Run states as last committed, for runs whose file is being read: saves reading the run and its steps back
   * for every batch. Every write to runs goes through this class (batches, start-overs, silent runs, retention),
   * so it can keep these true. Filled only after a commit succeeded.
   */
  private readonly runStates = new Map<number, RunState>();
  private readonly s: IngestStatements;

  constructor(
    db: Db,
    private readonly runsDir: string,
    /** How to fold a run's lines; per run, as its pipeline's own identifier fields may differ. */
    private readonly foldOptionsFor: (run: RunRow) => FoldOptions = () => DEFAULT_FOLD_OPTIONS,
  ) {
    const c = (this.client = db.$client);
    this.s = prepareIngestStatements(c);
  }

  /** journal_size_limit truncates the WAL back when it starts over, so its file doesn't keep its peak size. */
  limitWalSize(): void {
    this.client.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
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

  /**
   * The state of the file's run as last committed, to fold its next lines onto; null when the file has no run yet
   * (or its run was deleted under it, e.g. by retention).
   */
  runStateOf(file: FileRecord): RunState | null {
    if (file.runId === null) return null;
    return this.runStates.get(file.runId) ?? this.loadRunState(file.runId);
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
    const ended = markAbandonedRuns(this.client, check, hasPendingBytes);
    for (const run of ended.runs) this.runStates.delete(run.id);
    return ended;
  }

  /** Removes the runs (and, when asked, the files) that retention expires; see retention.ts. */
  expireRuns(
    cutoff: number,
    deleteFiles: boolean,
    onFileError: (path: string, error: unknown) => void,
  ): RetentionResult {
    const result = applyRetention(this.client, this.runsDir, cutoff, deleteFiles, onFileError);
    for (const id of result.removedRunIds) this.runStates.delete(id);
    return result;
  }

  private writeBatch(batch: BatchToStore): { change: IngestChange; file: FileRecord; state: RunState | null } {
    const file: FileRecord = { ...batch.file, committedOffset: batch.endOffset };
    if (file.fingerprint === null && batch.fingerprint !== null) {
      file.fingerprint = batch.fingerprint.hash;
      file.fingerprintBytes = batch.fingerprint.bytes;
    }
    const change = emptyChange();
    const { accepted, rejected } = batch.lines;
    /** Lines the fold threw on: rejected, so one line's bug never stops its file. */
    let failed: RejectRecord[] = [];
    let committedState: RunState | null = null;

    if (accepted.length > 0) {
      let folded = batch.folded;
      if (folded === null) {
        // First accepted line of the file (or its run was deleted under it, e.g. by retention): find its run.
        const removed: number[] = [];
        file.runId = this.resolveRun(file.path, accepted[0]!, removed);
        if (removed.length > 0) change.removedRunIds = removed;
        const state = this.loadRunState(file.runId)!;
        folded = foldBatch(state, accepted, this.foldOptionsFor(state.run));
      }
      failed = folded.failed;
      committedState = this.writeLines(folded, accepted, change);
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

  /** Insert the folded lines' rows and write the run's new state; returns it. */
  private writeLines(batch: FoldedBatch, lines: FoldLine[], change: IngestChange): RunState {
    const state = batch.from;
    const runId = state.run.id;
    let folded = batch.result;
    if (folded.logs.length === 0) return state;
    const rows = folded.logs;
    // Nothing of this batch stored yet (the normal case: offsets commit with their rows): insert in chunks.
    // Otherwise (a replay) row by row, so each line's effects are applied only if its row is new.
    const stored = this.s.countLogsInRange.get(runId, rows[0]!.offset, rows[rows.length - 1]!.offset)!.n;
    if (stored === 0) {
      insertNewLogRows(this.s, runId, rows);
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
      folded = foldSafely(state, lines, [], batch.options);
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
        const change = emptyChange();
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
