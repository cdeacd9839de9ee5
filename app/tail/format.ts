// How `runboard tail` prints a line, a step header and the closing summary: pino-pretty's layout
// (`[time] LEVEL [where] msg data`), one terminal line per log line. Pure: colours and the clock are options.
import type { CountsView, LogLineView, RunView, StepView } from '../../shared/api.js';
import { ERROR_LEVEL, levelLabel } from '../../shared/events.js';
import { escapeControls, terminalSafeJson } from './escape.js';

export interface FormatOptions {
  /** ANSI colours (stdout is a TTY and NO_COLOR is unset). */
  color: boolean;
  /** Print times in UTC instead of the local zone (tests). */
  utc?: boolean;
  /**
   * Where the UI is (the daemon's public URL, else the URL tail talks to): run headers and error lines end with an
   * absolute link to the run (or the line). Absent: no links.
   */
  linkBase?: string | null;
}

/** An absolute link to a run, or to one line of it (the run page opens it highlighted): `<base>/runs/12?line=345`. */
export function runLink(linkBase: string, runId: number, offset: number | null = null): string {
  const base = escapeControls(linkBase.trim().replace(/\/+$/, ''));
  return `${base}/runs/${runId}${offset === null ? '' : `?line=${offset}`}`;
}

/** What a line is printed with besides itself: the run it belongs to and, for step.end, the step's final state. */
export interface LineContext {
  run: Pick<RunView, 'id' | 'club' | 'pipeline'> | null;
  step?: StepView | null;
}

const RESET = '\u001b[0m';
const STYLE = {
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
  magenta: '\u001b[35m',
  cyan: '\u001b[36m',
  gray: '\u001b[90m',
  boldRed: '\u001b[1;31m',
  onRed: '\u001b[41;97m',
} as const;
type Style = keyof typeof STYLE;

function paint(options: FormatOptions, style: Style, text: string): string {
  return options.color ? `${STYLE[style]}${text}${RESET}` : text;
}

/** pino-pretty's level colours. */
const LEVEL_STYLE: Readonly<Record<string, Style>> = {
  fatal: 'onRed',
  error: 'red',
  warn: 'yellow',
  info: 'green',
  debug: 'blue',
  trace: 'gray',
};

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `HH:MM:ss.SSS`, as pino-pretty's default `translateTime`. */
export function formatClock(time: number, utc = false): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return '--:--:--.---';
  return utc
    ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
    : `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `850 ms`, `4.2 s`, `45 s`, `3 m 05 s`, `2 h 04 m` (as the web UI writes them). */
export function formatDuration(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return null;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${(Math.floor(seconds * 10) / 10).toFixed(1)} s`;
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${pad(s % 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${pad(m % 60)} m`;
}

/** `+2 created ~43 updated ×1 failed`: the non-zero counts, or null when all are zero. */
export function formatCounts(counts: CountsView): string | null {
  const parts: string[] = [];
  if (counts.created > 0) parts.push(`+${counts.created} created`);
  if (counts.updated > 0) parts.push(`~${counts.updated} updated`);
  if (counts.skipped > 0) parts.push(`-${counts.skipped} skipped`);
  if (counts.failed > 0) parts.push(`×${counts.failed} failed`);
  return parts.length === 0 ? null : parts.join(' ');
}

/** `rondo/people #12`. */
export function runLabel(run: LineContext['run'], runId: number): string {
  return run === null ? `#${runId}` : `${escapeControls(run.club)}/${escapeControls(run.pipeline)} #${run.id}`;
}

/** The text between the rules of a step header, or null when the line is not a step start or end. */
export function stepHeaderText(line: LogLineView, step: StepView | null | undefined): string | null {
  if (line.step === null) return null;
  const name = escapeControls(line.step);
  if (line.event === 'step.start') return `step ${name} started`;
  if (line.event !== 'step.end') return null;
  // The step's final state (from the run's steps) has the outcome, duration and counts; the line alone only says
  // `step X <outcome>` in its msg.
  if (!step || step.status === 'running') return escapeControls(line.msg ?? `step ${line.step} ended`);
  const duration = formatDuration(step.durationMs);
  const counts = formatCounts(step.counts);
  return `step ${name} ${step.status}${duration === null ? '' : ` in ${duration}`}${counts === null ? '' : ` (${counts})`}`;
}

/** The text of a run.start / run.end header, or null for other lines. */
function runHeaderText(line: LogLineView): string | null {
  if (line.event !== 'run.start' && line.event !== 'run.end') return null;
  return escapeControls(line.msg ?? line.event);
}

function headerStyle(line: LogLineView, step: StepView | null | undefined): Style {
  if (line.level >= ERROR_LEVEL) return 'boldRed';
  if (line.event === 'step.end' && step?.status === 'failure') return 'boldRed';
  return 'cyan';
}

/** pino puts the stack in `err.stack`; printed below the line, indented, one escaped line per stack line. */
function stackOf(data: LogLineView['data']): string[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const err = data.err;
  if (err === null || typeof err !== 'object' || Array.isArray(err)) return [];
  const stack = err.stack;
  return typeof stack === 'string' ? stack.split('\n').map((part) => `    ${escapeControls(part)}`) : [];
}

/** One log line as the terminal shows it (possibly several lines for a stack), without the final newline. */
export function formatLine(line: LogLineView, context: LineContext, options: FormatOptions): string {
  const time = paint(options, 'gray', `[${formatClock(line.time, options.utc)}]`);
  const where = paint(options, 'magenta', `[${runLabel(context.run, line.runId)}]`);
  const header = stepHeaderText(line, context.step) ?? runHeaderText(line);
  const linkBase = options.linkBase ?? null;
  if (header !== null) {
    const isRunHeader = line.event === 'run.start' || line.event === 'run.end';
    const link = isRunHeader && linkBase !== null ? `  ${paint(options, 'dim', runLink(linkBase, line.runId))}` : '';
    return `${time} ${where} ${paint(options, headerStyle(line, context.step), `── ${header} ──`)}${link}`;
  }
  const label = levelLabel(line.level);
  const level = paint(options, LEVEL_STYLE[label] ?? 'green', label.toUpperCase().padEnd(5));
  const step = line.step === null ? '' : ` ${paint(options, 'blue', `(${escapeControls(line.step)})`)}`;
  const isError = line.level >= ERROR_LEVEL;
  const msg = line.msg === null ? '' : ` ${paint(options, isError ? 'boldRed' : 'cyan', escapeControls(line.msg))}`;
  const data = line.data === null ? '' : ` ${paint(options, 'gray', terminalSafeJson(line.data))}`;
  const link =
    isError && linkBase !== null ? `  ${paint(options, 'dim', runLink(linkBase, line.runId, line.offset))}` : '';
  const first = `${time} ${level} ${where}${step}${msg}${data}${link}`;
  const stack = isError ? stackOf(line.data) : [];
  return [first, ...stack.map((part) => paint(options, 'red', part))].join('\n');
}

/**
 * The closing line of `--run`: `run rondo/people #12 failure in 4.2 s (+2 created ×1 failed), 3 errors`, then the
 * run's link when there is a link base.
 */
export function summaryText(run: RunView, linkBase: string | null = null): string {
  const duration = formatDuration(run.durationMs);
  const counts = formatCounts(run.counts);
  const errors = `${run.errorCount} error${run.errorCount === 1 ? '' : 's'}`;
  const reason = run.endReason === null ? '' : `: ${escapeControls(run.endReason)}`;
  return (
    `run ${runLabel(run, run.id)} ${run.status}${duration === null ? '' : ` in ${duration}`}` +
    `${counts === null ? '' : ` (${counts})`}, ${errors}${reason}` +
    (linkBase === null ? '' : `  ${runLink(linkBase, run.id)}`)
  );
}
