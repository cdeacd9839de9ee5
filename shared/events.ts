// The event contract: what runboard reads from a run's NDJSON file.
// Types only (plus a few constants) so the browser bundle can import them too.

/** Values of the `event` field a line may carry. Absent means a plain log line. */
export const EVENT_KINDS = ['run.start', 'step.start', 'step.progress', 'step.end', 'error', 'run.end'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const STEP_OUTCOMES = ['success', 'failure', 'skipped'] as const;
export type StepOutcome = (typeof STEP_OUTCOMES)[number];

export const RUN_OUTCOMES = ['success', 'failure'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/**
 * `abandoned`: a writer that announced the contract (run.start) went silent without its promised run.end, a crash.
 * `ended`: a plain pino file (no contract events) whose writer is gone: it never promised a run.end, so its outcome
 * is simply not recorded, neither success nor failure.
 */
export const RUN_STATUSES = ['running', 'success', 'failure', 'abandoned', 'ended'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const STEP_STATUSES = ['running', 'success', 'failure', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** pino's level labels and numbers. */
export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LevelLabel = keyof typeof LEVELS;
/** A plain line at this level or above also counts as an error of the run. */
export const ERROR_LEVEL = 50;

export function levelLabel(level: number): string {
  if (level >= 60) return 'fatal';
  if (level >= 50) return 'error';
  if (level >= 40) return 'warn';
  if (level >= 30) return 'info';
  if (level >= 20) return 'debug';
  return 'trace';
}

/** Record counts of a step; every field optional and a non-negative integer. */
export interface Counts {
  created?: number;
  updated?: number;
  skipped?: number;
  failed?: number;
}
export const COUNT_KEYS = ['created', 'updated', 'skipped', 'failed'] as const;

/** pino's standard error serializer output (`err` field). */
export interface SerializedError {
  type?: string;
  message: string;
  stack?: string;
}

/** JSON as it came off the wire. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Fields every line carries after parsing, whatever its event. */
export interface LineCommon {
  /** ms since epoch, or null when the line had no `time`. */
  time: number | null;
  /** Numeric pino level; 30 (info) when the line had none. */
  level: number;
  /** `msg` or `message`, or null. */
  msg: string | null;
  run: string | null;
  pipeline: string | null;
  club: string | null;
  pid: number | null;
  hostname: string | null;
  /** The step this line belongs to (contract events, or a step-bound child logger). */
  step: string | null;
  err: SerializedError | null;
  /** Every field runboard does not read, kept as the line's data; null when there are none. */
  data: { [key: string]: Json } | null;
}

export interface RunStartEvent {
  event: 'run.start';
  trigger: string | null;
}
export interface StepStartEvent {
  event: 'step.start';
  step: string;
}
/** Needs `done` or `counts` (or both): a step may report counts without a progress bar, and the other way round. */
export interface StepProgressEvent {
  event: 'step.progress';
  step: string;
  /** Null when the line reports only counts: the step's bar stays where it was. */
  done: number | null;
  total: number | null;
  /** The step's counts so far in its current execution (cumulative, as on step.end), or null when not reported. */
  counts: Counts | null;
}
export interface StepEndEvent {
  event: 'step.end';
  step: string;
  outcome: StepOutcome;
  counts: Counts;
  stats: Json | null;
  durationMs: number | null;
}
export interface ErrorEvent {
  event: 'error';
  step: string | null;
  identifier: string | null;
  system: string | null;
  /** From `err.message`, else `msg`. */
  message: string;
  stack: string | null;
}
export interface RunEndEvent {
  event: 'run.end';
  outcome: RunOutcome;
  stats: Json | null;
  exitCode: number | null;
  /** Why the run ended this way (e.g. "uncaught exception: ..."), when given. */
  reason: string | null;
}
export interface LogLineEvent {
  event: null;
}

export type ContractEvent =
  RunStartEvent | StepStartEvent | StepProgressEvent | StepEndEvent | ErrorEvent | RunEndEvent | LogLineEvent;

/** One accepted line: its common fields plus the event it carries. */
export type ParsedLine = LineCommon & { payload: ContractEvent };

export const REJECT_REASONS = [
  'invalid_json',
  'not_object',
  'bad_field',
  'unknown_event',
  'too_long',
  'invalid_utf8',
  'too_deep',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface LineRejection {
  reason: RejectReason;
  /** Human-readable detail, e.g. which field was wrong. */
  detail: string;
}

export type ParseResult = { ok: true; line: ParsedLine } | { ok: false; rejection: LineRejection };

/** Default maximum length of one line, in bytes (1 MiB). */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** Fields of a plain error line that name the failing record, first present wins (`--identifier-fields`). */
export const DEFAULT_IDENTIFIER_FIELDS: readonly string[] = ['identifier', 'knvb_id', 'memberId', 'member_id', 'id'];

/** Default maximum nesting of a line's JSON (the line object itself is depth 1); deeper lines are `too_deep`. */
export const DEFAULT_MAX_DEPTH = 64;

/**
 * The key under which runboard notes, in a line's `data`, a value it kept but did not use (a time outside the sane
 * window, an implausible duration, a club that disagrees with the file's path): `{ field: { value, why } }`.
 */
export const INGEST_NOTE_KEY = '_runboard';
export interface IngestNote {
  value: Json;
  why: string;
}
