// The only place that knows the wire format: one NDJSON line in, a typed event or a typed rejection out.
// Pure and synchronous; never throws on input.
// Over 350 lines on purpose: one wire format, validated field by field in one place; split, its rules would scatter.
import {
  COUNT_KEYS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_LINE_BYTES,
  INGEST_NOTE_KEY,
  EVENT_KINDS,
  LEVELS,
  RUN_OUTCOMES,
  STEP_OUTCOMES,
  type ContractEvent,
  type Counts,
  type EventKind,
  type IngestNote,
  type Json,
  type LineCommon,
  type LineRejection,
  type LogLineEvent,
  type ParsedLine,
  type ParseResult,
  type RunOutcome,
  type SerializedError,
  type StepOutcome,
} from './events.js';

export interface ParseOptions {
  /** Lines longer than this many bytes are rejected as `too_long`. */
  maxLineBytes?: number;
  /** Lines nested deeper than this (the line object is depth 1) are rejected as `too_deep`. */
  maxDepth?: number;
}

type JsonObject = { [key: string]: Json };

/** Fields read by runboard on every line; anything else goes to `data`. */
const COMMON_FIELDS = new Set([
  'time',
  'level',
  'msg',
  'message',
  'run',
  'pipeline',
  'club',
  'pid',
  'hostname',
  'step',
  'err',
  'event',
]);

/** Extra fields each event reads (they don't go to `data`). */
const EVENT_FIELDS: Record<EventKind, readonly string[]> = {
  'run.start': ['trigger'],
  'step.start': [],
  'step.progress': ['done', 'total', 'counts'],
  'step.end': ['outcome', 'counts', 'stats', 'durationMs'],
  error: ['identifier', 'system'],
  'run.end': ['outcome', 'stats', 'exitCode', 'reason'],
};

const eventKinds: ReadonlySet<string> = new Set(EVENT_KINDS);
const utf8 = new TextDecoder('utf-8', { fatal: true });

class FieldError extends Error {}
class DepthError extends Error {}

/** The longest duration taken as one (ten years, in ms): anything longer, or negative, is kept but not used. */
const MAX_DURATION_MS = 10 * 365 * 24 * 3600 * 1000;

function reject(reason: LineRejection['reason'], detail: string): ParseResult {
  return { ok: false, rejection: { reason, detail } };
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Parse one line (without its trailing newline; a trailing `\r` is tolerated).
 * Bytes are checked for valid UTF-8; a string is taken as already decoded.
 */
export function parseLine(input: string | Uint8Array, options: ParseOptions = {}): ParseResult {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  let text: string;
  if (typeof input === 'string') {
    // A string of at most max/3 UTF-16 units cannot exceed max bytes, so most lines skip the count.
    if (input.length > maxLineBytes / 3 && utf8Length(input) > maxLineBytes) {
      return reject('too_long', `line is longer than ${maxLineBytes} bytes`);
    }
    text = input;
  } else {
    if (input.byteLength > maxLineBytes) {
      return reject('too_long', `line of ${input.byteLength} bytes is longer than ${maxLineBytes} bytes`);
    }
    try {
      text = utf8.decode(input);
    } catch {
      return reject('invalid_utf8', 'line is not valid UTF-8');
    }
  }
  return parseText(text, maxDepth);
}

function parseText(text: string, maxDepth: number): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return reject('invalid_json', error instanceof Error ? error.message : 'invalid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return reject(
      'not_object',
      `line is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}, not an object`,
    );
  }
  const obj = value as JsonObject;
  const eventValue = obj.event;
  if (
    eventValue !== undefined &&
    eventValue !== null &&
    (typeof eventValue !== 'string' || !eventKinds.has(eventValue))
  ) {
    return reject('unknown_event', `unknown event ${JSON.stringify(eventValue).slice(0, 80)}`);
  }
  const kind = (eventValue ?? null) as EventKind | null;
  try {
    const line = readLine(obj, kind, maxDepth);
    // Built in place (no spread copy): this runs once per ingested line.
    if (kind !== null) line.payload = readPayload(obj, kind, line, maxDepth);
    return { ok: true, line };
  } catch (error) {
    if (error instanceof FieldError) return reject('bad_field', error.message);
    if (error instanceof DepthError) return reject('too_deep', error.message);
    throw error;
  }
}

/**
 * Throws DepthError if `value` (found at `depth`) nests deeper than `maxDepth`. Iterative: a line nested 100,000
 * levels deep must not overflow the stack here. Only values runboard stores as JSON (data, stats) are walked, and
 * a scalar costs one typeof.
 */
function checkDepth(value: Json | undefined, depth: number, maxDepth: number): void {
  if (value === null || typeof value !== 'object') return;
  const stack: Array<[Json, number]> = [[value, depth]];
  while (stack.length > 0) {
    const [node, level] = stack.pop()!;
    if (level > maxDepth) throw new DepthError(`line is nested more than ${maxDepth} levels deep`);
    const children = Array.isArray(node) ? node : Object.values(node as JsonObject);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, level + 1]);
    }
  }
}

/** Keeps a value runboard read but will not use on the line's data, with why (see INGEST_NOTE_KEY). */
export function noteOnLine(line: LineCommon, field: string, note: IngestNote): void {
  const data = (line.data ??= {});
  const notes = data[INGEST_NOTE_KEY];
  if (notes !== null && typeof notes === 'object' && !Array.isArray(notes)) notes[field] = { ...note };
  else data[INGEST_NOTE_KEY] = { [field]: { ...note } };
}

/** Shared by every plain log line; never mutated. */
const PLAIN_LINE: LogLineEvent = Object.freeze({ event: null });

function readLine(obj: JsonObject, kind: EventKind | null, maxDepth: number): ParsedLine {
  const extra = kind ? EVENT_FIELDS[kind] : [];
  let data: JsonObject | null = null;
  for (const key in obj) {
    if (COMMON_FIELDS.has(key) || extra.includes(key)) continue;
    const value = obj[key] as Json;
    checkDepth(value, 2, maxDepth);
    (data ??= {})[key] = value;
  }
  // `err` is read (its message and stack make the run's error) and also kept whole, so the line's detail can show
  // its type, message, stack and any extra properties (a code, a status, the failing URL).
  const err = obj.err;
  if (
    err !== undefined &&
    err !== null &&
    (typeof err === 'string' || (typeof err === 'object' && !Array.isArray(err)))
  ) {
    checkDepth(err, 2, maxDepth);
    (data ??= {}).err = err;
  }
  return {
    time: readTime(obj.time),
    level: readLevel(obj.level),
    msg: readMsg(obj.msg ?? obj.message),
    run: optionalId(obj, 'run'),
    pipeline: optionalId(obj, 'pipeline'),
    club: optionalId(obj, 'club'),
    pid: optionalInteger(obj, 'pid'),
    hostname: optionalString(obj, 'hostname'),
    step: optionalString(obj, 'step'),
    err: readErr(obj.err),
    data,
    payload: PLAIN_LINE,
  };
}

function readPayload(obj: JsonObject, kind: EventKind, common: LineCommon, maxDepth: number): ContractEvent {
  if (kind === 'step.end' || kind === 'run.end') checkDepth(obj.stats, 2, maxDepth);
  switch (kind) {
    case 'run.start':
      return { event: kind, trigger: optionalString(obj, 'trigger') };
    case 'step.start':
      return { event: kind, step: requiredStep(common) };
    case 'step.progress': {
      const done = optionalCount(obj, 'done');
      const counts = obj.counts === undefined || obj.counts === null ? null : readCounts(obj.counts);
      if (done === null && counts === null) throw new FieldError('step.progress needs a numeric "done" or "counts"');
      return { event: kind, step: requiredStep(common), done, total: optionalCount(obj, 'total'), counts };
    }
    case 'step.end':
      return {
        event: kind,
        step: requiredStep(common),
        outcome: requiredEnum<StepOutcome>(obj, 'outcome', STEP_OUTCOMES),
        counts: readCounts(obj.counts),
        stats: obj.stats ?? null,
        durationMs: optionalDuration(obj, common),
      };
    case 'error': {
      // An err without a message (a thrown plain object) must not hide the line's msg.
      const message = common.err?.message || common.msg;
      return {
        event: kind,
        step: common.step,
        identifier: optionalIdentifier(obj, 'identifier'),
        system: optionalString(obj, 'system'),
        message: message ?? 'error',
        stack: common.err?.stack ?? null,
      };
    }
    case 'run.end':
      return {
        event: kind,
        outcome: requiredEnum<RunOutcome>(obj, 'outcome', RUN_OUTCOMES),
        stats: obj.stats ?? null,
        exitCode: optionalInteger(obj, 'exitCode'),
        reason: optionalString(obj, 'reason'),
      };
  }
}

/** A numeric time below this (1973-03-03 in ms) is taken as seconds since the epoch. */
const UNIX_SECONDS_BELOW = 1e11;

/**
 * Whole ms since the epoch: fractions (Python's `time.time() * 1000`) are rounded. Whether the time is plausible
 * needs a clock, so that is judged later (classify-lines), not here.
 */
function readTime(value: Json | undefined): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) {
    // pino.stdTimeFunctions.unixTime writes seconds; as ms they would all be January 1970.
    return Math.round(Math.abs(value) < UNIX_SECONDS_BELOW ? value * 1000 : value);
  }
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new FieldError(`"time" must be ms since epoch or an ISO-8601 string`);
}

function readLevel(value: Json | undefined): number {
  if (value === undefined || value === null) return LEVELS.info;
  if (typeof value === 'number' && Number.isFinite(value)) {
    const level = Math.round(value);
    if (Number.isSafeInteger(level)) return level;
  }
  if (typeof value === 'string' && Object.hasOwn(LEVELS, value)) return LEVELS[value as keyof typeof LEVELS];
  throw new FieldError(`"level" must be a number or one of ${Object.keys(LEVELS).join(', ')}`);
}

function readMsg(value: Json | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  // pino passes a number or boolean message through as is; show it as text.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new FieldError('"msg" must be a string');
}

function readErr(value: Json | undefined): SerializedError | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return { message: value };
  if (typeof value !== 'object' || Array.isArray(value)) throw new FieldError('"err" must be an object');
  const message = typeof value.message === 'string' ? value.message : '';
  const err: SerializedError = { message };
  if (typeof value.type === 'string') err.type = value.type;
  if (typeof value.stack === 'string') err.stack = value.stack;
  return err;
}

function readCounts(value: Json | undefined): Counts {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new FieldError('"counts" must be an object');
  const counts: Counts = {};
  for (const key of COUNT_KEYS) {
    const n = value[key];
    if (n === undefined || n === null) continue;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new FieldError(`"counts.${key}" must be a non-negative integer`);
    }
    counts[key] = n;
  }
  return counts;
}

function requiredStep(common: LineCommon): string {
  if (common.step === null || common.step === '') throw new FieldError('"step" is required for this event');
  return common.step;
}

function requiredEnum<T extends string>(obj: JsonObject, key: string, allowed: readonly T[]): T {
  const value = obj[key];
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new FieldError(`"${key}" must be one of ${allowed.join(', ')}`);
}

function optionalString(obj: JsonObject, key: string): string | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  throw new FieldError(`"${key}" must be a string`);
}

/** run / pipeline / club: non-empty strings (numbers are accepted and stringified). */
function optionalId(obj: JsonObject, key: string): string | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value !== '') return value;
  throw new FieldError(`"${key}" must be a non-empty string`);
}

/** Record identifiers are often numeric ids; keep them as text. */
function optionalIdentifier(obj: JsonObject, key: string): string | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return value;
  throw new FieldError(`"${key}" must be a string or a number`);
}

/** A progress figure: a number, rounded to a whole one (the columns are integers). */
function optionalCount(obj: JsonObject, key: string): number | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) {
    const n = Math.round(value);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new FieldError(`"${key}" must be a number below 2^53`);
}

/**
 * step.end `durationMs`: rounded to whole ms (the contract says ms; fractions are accepted). A negative or
 * implausibly long one (1e300) is kept on the line's data but not used: the step's times then decide.
 */
function optionalDuration(obj: JsonObject, common: LineCommon): number | null {
  const value = obj.durationMs;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new FieldError('"durationMs" must be a number');
  const ms = Math.round(value);
  if (ms >= 0 && ms <= MAX_DURATION_MS) return ms;
  noteOnLine(common, 'durationMs', { value, why: `not a duration in ms (0 to ${MAX_DURATION_MS}); not used` });
  return null;
}

function optionalInteger(obj: JsonObject, key: string): number | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new FieldError(`"${key}" must be an integer below 2^53`);
}
