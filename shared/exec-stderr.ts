// Pure part of `runboard exec` for the command's stderr: which text lines count as errors of the run, and the tail
// of stderr kept for the run's end reason (as GitHub Actions shows a failing step's last lines).
import { joinStderrTail } from './end-reason.js';
import { LEVELS } from './events.js';

/**
 * error / fatal / exception / traceback as the line's first word, or its first word after a timestamp (ISO date
 * and time, or a bare clock time, optionally in brackets) and up to three punctuation characters (`[ERROR]`,
 * `** FATAL`). "no errors found" does not match.
 */
export const DEFAULT_STDERR_ERROR_PATTERN =
  /^\s*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?\s*|\[?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\]?\s*)?[^\w\s]{0,3}\s?(?:error|fatal|exception|traceback)\b/i;

export type StderrLevel = 'warn' | 'error';

export interface StderrPolicy {
  /** Every stderr text line at this level; `warn` (default) leaves errors to the pattern. */
  level: StderrLevel;
  /** A stderr text line matching this is logged at error level (50), so it counts as an error of the run. */
  errorPattern: RegExp | null;
}

export const DEFAULT_STDERR_POLICY: StderrPolicy = { level: 'warn', errorPattern: DEFAULT_STDERR_ERROR_PATTERN };

/** The pino level of one stderr text line under `policy`. */
export function stderrLineLevel(text: string, policy: StderrPolicy): number {
  if (policy.level === 'error') return LEVELS.error;
  if (policy.errorPattern !== null) {
    policy.errorPattern.lastIndex = 0; // A /g or /y pattern from --error-pattern must not carry state between lines.
    if (policy.errorPattern.test(text)) return LEVELS.error;
  }
  return LEVELS.warn;
}

/** `--error-pattern` text → a RegExp (case-insensitive), or why not. */
export function parseErrorPattern(source: string): { ok: true; pattern: RegExp } | { ok: false; problem: string } {
  try {
    return { ok: true, pattern: new RegExp(source, 'i') };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

export const STDERR_TAIL_MAX_LINES = 20;
export const STDERR_TAIL_MAX_BYTES = 4096;

/** The last lines written to stderr: at most STDERR_TAIL_MAX_LINES lines and STDERR_TAIL_MAX_BYTES bytes. */
export class StderrTail {
  readonly #lines: string[] = [];
  #bytes = 0;

  push(text: string): void {
    if (text.trim() === '') return;
    // One line alone may not exceed the budget: keep its end, the part nearest the failure.
    const line =
      Buffer.byteLength(text) > STDERR_TAIL_MAX_BYTES ? `…${tailBytes(text, STDERR_TAIL_MAX_BYTES - 4)}` : text;
    this.#lines.push(line);
    this.#bytes += Buffer.byteLength(line) + 1;
    while (this.#lines.length > STDERR_TAIL_MAX_LINES || this.#bytes > STDERR_TAIL_MAX_BYTES) {
      this.#bytes -= Buffer.byteLength(this.#lines.shift()!) + 1;
    }
  }

  get lines(): readonly string[] {
    return this.#lines;
  }

  /** The tail as one text, or null when stderr said nothing. */
  text(): string | null {
    return this.#lines.length === 0 ? null : this.#lines.join('\n');
  }
}

function tailBytes(text: string, maxBytes: number): string {
  const buffer = Buffer.from(text);
  let start = buffer.length - maxBytes;
  // Don't start inside a UTF-8 sequence.
  while (start < buffer.length && ((buffer[start] ?? 0) & 0xc0) === 0x80) start++;
  return buffer.subarray(start).toString('utf8');
}

/** The run.end reason of a failed run: why it ended, then the last stderr lines. */
export function reasonWithStderr(reason: string | null, tail: string | null): string | null {
  return joinStderrTail(reason, tail);
}
