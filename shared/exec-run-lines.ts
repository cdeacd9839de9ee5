// Pure part of `runboard exec`: the child's output bytes → whole lines (partial lines held, long lines capped)
// → the run file's JSON lines. No I/O here, so every edge (split UTF-8, a 10 MB line, a child printing pino JSON)
// is unit-tested without a process.
import { DEFAULT_MAX_LINE_BYTES, LEVELS, type Json, type RunOutcome } from './events.js';
import { DEFAULT_STDERR_POLICY, stderrLineLevel, type StderrPolicy } from './exec-stderr.js';
import { parseLine } from './parse-line.js';
import type { ExecRunIdentity } from './run-logger-exec-env.js';

/** Default cap on one line of the child's output, in bytes; the rest of the line is dropped and counted. */
export const DEFAULT_EXEC_MAX_LINE_BYTES = 256 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;

/** One line of the child's output, without its newline. */
export interface OutputLine {
  bytes: Buffer;
  /** The line was longer than the cap; `bytes` holds its start. */
  truncated: boolean;
  /** The line's full length in bytes (before capping). */
  lineBytes: number;
}

/** Splits a byte stream into lines, holding a partial line until its newline (or the end) arrives. Only the
 * first `maxLineBytes` of a line are kept in memory, however long it is. */
export class LineSplitter {
  readonly #maxLineBytes: number;
  #parts: Buffer[] = [];
  #keptBytes = 0;
  #lineBytes = 0;

  constructor(maxLineBytes: number = DEFAULT_EXEC_MAX_LINE_BYTES) {
    this.#maxLineBytes = maxLineBytes;
  }

  push(chunk: Buffer): OutputLine[] {
    const lines: OutputLine[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) break;
      this.#append(chunk, start, newline, false);
      lines.push(this.#take());
      start = newline + 1;
    }
    // The child may reuse nothing, but a held slice must not pin or alias the chunk: copy the tail.
    if (start < chunk.length) this.#append(chunk, start, chunk.length, true);
    return lines;
  }

  /** The last line when the output did not end with a newline. */
  end(): OutputLine[] {
    return this.#lineBytes > 0 ? [this.#take()] : [];
  }

  #append(chunk: Buffer, from: number, to: number, copy: boolean): void {
    this.#lineBytes += to - from;
    const room = this.#maxLineBytes - this.#keptBytes;
    if (room <= 0) return;
    const end = Math.min(to, from + room);
    if (end === from) return;
    const part = chunk.subarray(from, end);
    this.#parts.push(copy ? Buffer.from(part) : part);
    this.#keptBytes += end - from;
  }

  #take(): OutputLine {
    let bytes = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#keptBytes);
    const truncated = this.#lineBytes > this.#keptBytes;
    let lineBytes = this.#lineBytes;
    if (!truncated && bytes.length > 0 && bytes[bytes.length - 1] === CR) {
      bytes = bytes.subarray(0, bytes.length - 1);
      lineBytes -= 1;
    }
    if (truncated) bytes = bytes.subarray(0, utf8Boundary(bytes));
    this.#parts = [];
    this.#keptBytes = 0;
    this.#lineBytes = 0;
    return { bytes, truncated, lineBytes };
  }
}

/** Length of `bytes` without a UTF-8 sequence cut off at its end, so a cap does not invent an invalid byte. */
export function utf8Boundary(bytes: Uint8Array): number {
  let i = bytes.length;
  let continuation = 0;
  while (i > 0 && continuation < 3 && ((bytes[i - 1] ?? 0) & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i === 0) return bytes.length;
  const lead = bytes[i - 1] ?? 0;
  const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  if (needed === 0) return bytes.length;
  return continuation >= needed ? bytes.length : i - 1;
}

/** What the wrapped program said about its own end (a run.end line of its own, e.g. from a joined startRun). */
export interface ReportedRunEnd {
  outcome: RunOutcome;
  stats: Json | null;
  exitCode: number | null;
  reason: string | null;
}

export interface ExecLineOptions {
  /** Which stderr text lines count as errors of the run. */
  stderr: StderrPolicy;
  /** `--identifier-field`: an error line's field naming its record, copied to `identifier` where absent. */
  identifierField: string | null;
}
export const DEFAULT_EXEC_LINE_OPTIONS: ExecLineOptions = { stderr: DEFAULT_STDERR_POLICY, identifierField: null };

export interface MappedLine {
  /** The line for the run's file, without newline; null when the output line is blank. */
  json: string | null;
  /** The output line as text (decoded leniently), for stderr's tail; null when blank. */
  text: string | null;
  /** Set when the line was the program's own run.end. */
  reportedEnd: ReportedRunEnd | null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/**
 * Maps one output line to a line of the run's file. Text becomes a log line (stdout info; stderr warn, or error
 * when it matches the stderr policy's pattern, so it counts as an error of the run). A JSON
 * object keeps its fields — its level, msg and contract events count — with run/pipeline/club forced to exec's
 * run. exec owns the run's start and end, so the program's own run.start/run.end become plain info lines and a
 * run.end is handed back as the program's verdict. A JSON line the contract would reject is kept as text.
 */
export function mapOutputLine(
  line: OutputLine,
  source: 'stdout' | 'stderr',
  identity: ExecRunIdentity,
  now: number,
  options: ExecLineOptions = DEFAULT_EXEC_LINE_OPTIONS,
): MappedLine {
  let text: string;
  let invalidUtf8 = false;
  try {
    text = strictUtf8.decode(line.bytes);
  } catch {
    text = lenientUtf8.decode(line.bytes);
    invalidUtf8 = true;
  }
  if (text.trim() === '') return { json: null, text: null, reportedEnd: null };

  if (!line.truncated && !invalidUtf8 && text.trimStart().startsWith('{')) {
    const structured = mapJsonLine(text, source, identity, now, options.identifierField);
    if (structured) return structured;
  }
  const fields: Record<string, unknown> = {
    level: source === 'stderr' ? stderrLineLevel(text, options.stderr) : LEVELS.info,
    time: now,
    ...identity,
    msg: text,
  };
  if (source === 'stderr') fields.stream = 'stderr';
  if (line.truncated) {
    fields.truncated = true;
    fields.lineBytes = line.lineBytes;
  }
  if (invalidUtf8) fields.invalidUtf8 = true;
  return { json: fitLine(fields, text), text, reportedEnd: null };
}

function mapJsonLine(
  text: string,
  source: 'stdout' | 'stderr',
  identity: ExecRunIdentity,
  now: number,
  identifierField: string | null,
): MappedLine | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const fields: Record<string, unknown> = { ...(value as Record<string, unknown>), ...identity };
  fields.time ??= now;
  fields.level ??= source === 'stderr' ? LEVELS.warn : LEVELS.info;
  const json = JSON.stringify(fields);
  const parsed = parseLine(json);
  if (!parsed.ok) return null;
  const payload = parsed.line.payload;
  if (
    identifierField !== null &&
    fields.identifier === undefined &&
    (payload.event === 'error' || parsed.line.level >= LEVELS.error)
  ) {
    const named = fields[identifierField];
    if (typeof named === 'string' || (typeof named === 'number' && Number.isFinite(named))) {
      fields.identifier = String(named);
      return { json: JSON.stringify(fields), text, reportedEnd: null };
    }
  }
  if (payload.event === 'run.start' || payload.event === 'run.end') {
    delete fields.event;
    fields.reportedEvent = payload.event;
    // The program's failing run.end is not an error of its own: exec's run.end carries the verdict.
    if (parsed.line.level > LEVELS.info) fields.level = typeof fields.level === 'string' ? 'info' : LEVELS.info;
    const reportedEnd: ReportedRunEnd | null =
      payload.event === 'run.end'
        ? { outcome: payload.outcome, stats: payload.stats, exitCode: payload.exitCode, reason: payload.reason }
        : null;
    return { json: JSON.stringify(fields), text, reportedEnd };
  }
  return { json, text, reportedEnd: null };
}

/** Keeps a text line under the parser's line limit even when escaping grows it (control characters). */
function fitLine(fields: Record<string, unknown>, text: string): string {
  const limit = DEFAULT_MAX_LINE_BYTES - 1024;
  let json = JSON.stringify(fields);
  let keep = text.length;
  while (Buffer.byteLength(json) > limit && keep > 0) {
    keep = Math.floor(keep / 2);
    fields.msg = text.slice(0, keep);
    fields.truncated = true;
    fields.lineBytes ??= Buffer.byteLength(text);
    json = JSON.stringify(fields);
  }
  return json;
}
