// Folding parsed lines into a run's state: pure, no files, no SQLite.
// File order is the writer's order, so events apply in the order they were read, whatever their timestamps;
// a surprising order (step.end without step.start, lines after run.end, no run.start) still yields a sensible run.
// Over 350 lines on purpose: it is one state machine (run and step transitions, counts, errors) that reads best whole.
import {
  COUNT_KEYS,
  DEFAULT_IDENTIFIER_FIELDS,
  ERROR_LEVEL,
  type Counts,
  type Json,
  type ParsedLine,
  type StepStatus,
} from '../shared/events.js';
import { errorFingerprint } from '../shared/error-fingerprint.js';
import type { ErrorRow, LogRow, RunRow, StepRow } from '../shared/schema.js';
import type { RunIdentity } from './run-identity.js';

/** One accepted line with its place in the file and its resolved time (line time, else the file's mtime). */
export interface FoldLine {
  offset: number;
  time: number;
  line: ParsedLine;
}

export interface FoldOptions {
  identifierFields: readonly string[];
}
export const DEFAULT_FOLD_OPTIONS: FoldOptions = { identifierFields: DEFAULT_IDENTIFIER_FIELDS };

export interface RunState {
  run: RunRow;
  steps: ReadonlyMap<string, StepRow>;
}

/** A log row to insert: `id` is 0 until the store has inserted it (then it is set in place, saving a copy per line). */
export type NewLogRow = LogRow;
export type NewErrorRow = Omit<ErrorRow, 'id'>;

export interface FoldResult {
  state: RunState;
  /** One row per line, in file order. */
  logs: NewLogRow[];
  errors: NewErrorRow[];
  /** Names of the steps whose row changed. */
  touchedSteps: string[];
}

/** Where a new run and a new step both start (the schema's defaults): no end yet, nothing counted. */
const NOT_FINISHED: Pick<RunRow & StepRow, 'finishedAt' | 'durationMs' | 'created' | 'updated' | 'skipped' | 'failed'> =
  {
    finishedAt: null,
    durationMs: null,
    created: 0,
    updated: 0,
    skipped: 0,
    failed: 0,
  };

/** A run row as it is right after insertion (the schema's defaults). */
export function emptyRun(id: number, identity: RunIdentity, sourceFile: string | null): RunRow {
  return {
    id,
    runKey: identity.runKey,
    clubSlug: identity.club,
    pipeline: identity.pipeline,
    trigger: null,
    status: 'running',
    startedAt: null,
    ...NOT_FINISHED,
    errorCount: 0,
    logCount: 0,
    host: null,
    pid: null,
    exitCode: null,
    endReason: null,
    summary: null,
    lastEventAt: null,
    sourceFile,
  };
}

function jsonText(value: Json | null): string | null {
  return value === null ? null : JSON.stringify(value);
}

/** The run_logs row of one line: every line of the file is one, events included. */
export function logRowOf(runId: number, item: FoldLine): NewLogRow {
  const { line } = item;
  return {
    id: 0,
    runId,
    offset: item.offset,
    time: item.time,
    level: line.level,
    event: line.payload.event,
    step: line.step,
    msg: line.msg,
    data: line.data === null ? null : JSON.stringify(line.data),
  };
}

/** A data field as record text: strings and finite numbers (ids are often numeric); anything else is no name. */
function textField(data: { [key: string]: Json } | null, key: string): string | null {
  const value = data?.[key];
  if (typeof value === 'string' && value !== '') return value.slice(0, 500);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * The run_errors row a line produces, if any: an `error` event, or a plain line at error level or above. A plain
 * line names its record by the first of `identifierFields` it carries and its target by `system`, in the
 * pipeline's own words; its message is its own `msg` (pino's `log.error({ err }, 'failed to push member')`), with
 * `err`'s message kept in the stack text beside it.
 */
export function errorRowOf(
  run: RunRow,
  item: FoldLine,
  options: FoldOptions = DEFAULT_FOLD_OPTIONS,
): NewErrorRow | null {
  const { line } = item;
  const { payload } = line;
  if (payload.event === 'error') {
    return {
      runId: run.id,
      offset: item.offset,
      clubSlug: run.clubSlug,
      pipeline: run.pipeline,
      step: payload.step,
      identifier: payload.identifier,
      system: payload.system,
      message: payload.message,
      stack: payload.stack,
      fingerprint: errorFingerprint(payload.message, payload.system),
      time: item.time,
    };
  }
  if (payload.event === null && line.level >= ERROR_LEVEL) {
    const { err, data } = line;
    const message = line.msg || err?.message || 'error';
    let identifier: string | null = null;
    for (const field of options.identifierFields) {
      identifier = textField(data, field);
      if (identifier !== null) break;
    }
    const system = textField(data, 'system');
    let stack = err?.stack ?? null;
    if (err?.message && err.message !== message && !(stack ?? '').includes(err.message)) {
      stack = `${err.type ?? 'Error'}: ${err.message}${stack === null ? '' : `\n${stack}`}`;
    }
    return {
      runId: run.id,
      offset: item.offset,
      clubSlug: run.clubSlug,
      pipeline: run.pipeline,
      step: line.step,
      identifier,
      system,
      message,
      stack,
      fingerprint: errorFingerprint(message, system),
      time: item.time,
    };
  }
  return null;
}

/**
 * Live counts. A step's count columns hold its totals over every execution of its name in the run (a name may run
 * twice; each step.end's counts are added). While an execution runs, its step.progress `counts` are cumulative for
 * that execution, so they are not added but replace its previous report: the row moves by the difference, and the
 * report is kept in `progressCounts` for the next line. Its step.end counts are the final word: each count it
 * carries replaces the execution's last progress figure (added minus what progress had already added), so nothing
 * is counted twice; a count step.end leaves out keeps the progress figure (each count is optional in the contract,
 * absent is "not reported", not zero). step.end then clears the report; so does a fresh step.start of an ended
 * step, which begins a new execution. Progress counts for a step that is not running (a straggler after its
 * step.end) are ignored: step.end already spoke. Returns whether any count moved.
 */
function applyExecutionCounts(step: StepRow, counts: Counts, isFinal: boolean): boolean {
  const reported = progressCountsOf(step);
  let moved = false;
  for (const key of COUNT_KEYS) {
    const n = counts[key];
    if (n === undefined) continue;
    const delta = n - (reported[key] ?? 0);
    if (delta !== 0) {
      step[key] += delta;
      moved = true;
    }
    reported[key] = n;
  }
  step.progressCounts = isFinal ? null : JSON.stringify(reported);
  return moved;
}

/** The counts the step's running execution last reported; `{}` when none (or the stored text is not ours). */
function progressCountsOf(step: StepRow): Counts {
  if (step.progressCounts === null) return {};
  try {
    const value: unknown = JSON.parse(step.progressCounts);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
    const counts: Counts = {};
    for (const key of COUNT_KEYS) {
      const n = (value as Record<string, unknown>)[key];
      if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) counts[key] = n;
    }
    return counts;
  } catch {
    return {};
  }
}

/** A step row as first seen in a run (the schema's defaults). */
export function newStep(run: RunRow, name: string, seq: number, startedAt: number | null): StepRow {
  return {
    runId: run.id,
    name,
    clubSlug: run.clubSlug,
    seq,
    status: 'running',
    startedAt,
    ...NOT_FINISHED,
    progressDone: null,
    progressTotal: null,
    progressCounts: null,
    stats: null,
  };
}

/** Apply lines (in file order) to a run; returns the new state and the rows to write. Does not mutate its input. */
export function foldLines(
  state: RunState,
  lines: readonly FoldLine[],
  options: FoldOptions = DEFAULT_FOLD_OPTIONS,
): FoldResult {
  const run: RunRow = { ...state.run };
  const steps = new Map(state.steps);
  const copied = new Set<string>();
  let countsChanged = false;
  const logs: NewLogRow[] = [];
  const errors: NewErrorRow[] = [];

  /** The step's row, copied on first change so the input state stays untouched. */
  const stepFor = (name: string, startedAt: number | null): StepRow => {
    let step = steps.get(name);
    if (step === undefined) {
      step = newStep(run, name, steps.size, startedAt);
      copied.add(name);
    } else if (!copied.has(name)) {
      step = { ...step };
      copied.add(name);
    }
    steps.set(name, step);
    return step;
  };

  for (const item of lines) {
    const { line, time } = item;
    const { payload } = line;
    logs.push(logRowOf(run.id, item));
    run.logCount += 1;
    if (run.startedAt === null || time < run.startedAt) run.startedAt = time;
    if (run.lastEventAt === null || time > run.lastEventAt) run.lastEventAt = time;
    if (run.host === null && line.hostname !== null) run.host = line.hostname;
    if (run.pid === null && line.pid !== null) run.pid = line.pid;
    // A run marked abandoned (or ended) that speaks again is alive after all, and so are the steps closed with it.
    if ((run.status === 'abandoned' || run.status === 'ended') && payload.event !== 'run.end') {
      for (const [name, existing] of steps) {
        if (existing.status === 'failure' && existing.finishedAt === run.finishedAt) {
          const step = stepFor(name, existing.startedAt);
          step.status = 'running';
          step.finishedAt = null;
          step.durationMs = null;
        }
      }
      run.status = 'running';
      run.finishedAt = null;
      run.durationMs = null;
      run.endReason = null;
    }

    switch (payload.event) {
      case 'run.start':
        if (payload.trigger !== null) run.trigger = payload.trigger;
        break;
      case 'step.start': {
        const step = stepFor(payload.step, time);
        if (step.status !== 'running') {
          // Started again after it ended: the same name runs once more (counts keep accumulating, and this new
          // execution's progress counts start from nothing).
          step.status = 'running';
          step.progressCounts = null;
          step.startedAt = time;
          step.finishedAt = null;
          step.durationMs = null;
        } else if (step.startedAt === null || time < step.startedAt) {
          step.startedAt = time;
        }
        break;
      }
      case 'step.progress': {
        const step = stepFor(payload.step, time);
        // A line with only counts leaves the bar where it was.
        if (payload.done !== null) {
          step.progressDone = payload.done;
          step.progressTotal = payload.total;
        }
        if (payload.counts !== null && step.status === 'running') {
          if (applyExecutionCounts(step, payload.counts, false)) countsChanged = true;
        }
        break;
      }
      case 'step.end': {
        // A step.end with no step.start still tells when the step began, given its duration.
        const step = stepFor(payload.step, payload.durationMs === null ? null : time - payload.durationMs);
        step.status = payload.outcome satisfies StepStatus;
        step.finishedAt = time;
        step.durationMs = payload.durationMs ?? (step.startedAt === null ? null : time - step.startedAt);
        // A second step.end of an ended execution (no step.start between) adds again, as before live counts: its
        // progress report is already cleared, so this is the plain sum.
        if (applyExecutionCounts(step, payload.counts, true)) countsChanged = true;
        if (payload.stats !== null) step.stats = jsonText(payload.stats);
        break;
      }
      case 'run.end':
        run.status = payload.outcome;
        run.finishedAt = time;
        run.exitCode = payload.exitCode ?? run.exitCode;
        run.endReason = payload.reason;
        if (payload.stats !== null) run.summary = jsonText(payload.stats);
        // Steps still open when the run ends ended with it.
        for (const [name, existing] of steps) {
          if (existing.status !== 'running') continue;
          const step = stepFor(name, time);
          step.status = payload.outcome;
          step.finishedAt = time;
          step.durationMs = step.startedAt === null ? null : time - step.startedAt;
        }
        break;
      case 'error':
      case null:
        break;
    }

    const error = errorRowOf(run, item, options);
    if (error !== null) {
      errors.push(error);
      run.errorCount += 1;
    }
  }

  if (countsChanged) {
    run.created = run.updated = run.skipped = run.failed = 0;
    for (const step of steps.values()) {
      run.created += step.created;
      run.updated += step.updated;
      run.skipped += step.skipped;
      run.failed += step.failed;
    }
  }
  run.durationMs = run.finishedAt !== null && run.startedAt !== null ? run.finishedAt - run.startedAt : null;

  return { state: { run, steps }, logs, errors, touchedSteps: [...copied] };
}
