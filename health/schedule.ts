// Cron maths for health: when a schedule was last due and is next due, DST-correct, and the schedule in words.
// A thin wrapper over croner (occurrences) and cronstrue (words), so nothing here hand-rolls calendar logic.
import { Cron } from 'croner';
import cronstrue from 'cronstrue';

/** Vixie cron's shortcuts, as crontab(5) lists them. `@reboot` has no due times, so it is refused here. */
export const CRON_SHORTCUTS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A cron expression bound to its time zone, checked and ready to answer due-time questions. */
export interface CompiledSchedule {
  /** As written (trimmed): `0 3 * * *`, `*\/5 * * * * *`, `@daily`. */
  readonly expression: string;
  /** IANA zone the expression's wall-clock times are read in. */
  readonly timezone: string;
  /** Six fields, seconds first: due times can be seconds apart. */
  readonly hasSeconds: boolean;
  readonly cron: Cron;
}

export type ScheduleCompileResult = { ok: true; schedule: CompiledSchedule } | { ok: false; reason: string };

/** The zone this process runs in: the default for schedules that name none (cron uses the machine's zone too). */
export function machineTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** True for an IANA zone name the runtime knows (`Europe/Amsterdam`, `UTC`); false for `CET+1`, `Mars/Olympus`. */
export function isValidTimezone(timezone: string): boolean {
  if (timezone.trim() === '' || timezone !== timezone.trim()) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** Distinct (expression, zone) pairs seen; bounded so hostile `run.start` schedules cannot grow it without end. */
const compiledCache = new Map<string, ScheduleCompileResult>();
const COMPILED_CACHE_LIMIT = 10_000;
/** Any instant works as the "never due" probe; a fixed one keeps compiling free of clock reads. */
const NEVER_DUE_PROBE = new Date(Date.UTC(2000, 0, 1));

/**
 * Checks an expression (5 fields, 6 with seconds first, or a shortcut) and a zone, once, so the evaluator's hot path
 * never parses. The reason on failure is one line an operator can act on. Results are shared per distinct pair, so
 * a thousand pipelines on `0 3 * * *` share one due-time cache.
 */
export function compileSchedule(expression: string, timezone: string): ScheduleCompileResult {
  const key = `${timezone}\n${expression}`;
  const known = compiledCache.get(key);
  if (known) return known;
  const result = compileUncached(expression, timezone);
  if (compiledCache.size >= COMPILED_CACHE_LIMIT) compiledCache.clear();
  compiledCache.set(key, result);
  return result;
}

function compileUncached(expression: string, timezone: string): ScheduleCompileResult {
  const trimmed = expression.trim();
  if (trimmed === '') return { ok: false, reason: 'the schedule is empty' };
  if (trimmed.toLowerCase() === '@reboot') return { ok: false, reason: '@reboot has no due times to check' };
  if (!isValidTimezone(timezone)) return { ok: false, reason: `"${timezone}" is not an IANA time zone` };
  const pattern = CRON_SHORTCUTS[trimmed.toLowerCase()] ?? trimmed;
  if (pattern.startsWith('@')) return { ok: false, reason: `"${trimmed}" is not a cron shortcut` };
  const fieldCount = pattern.split(/\s+/).length;
  if (fieldCount !== 5 && fieldCount !== 6) {
    return {
      ok: false,
      reason: `"${trimmed}" has ${fieldCount} field${fieldCount === 1 ? '' : 's'}; a schedule has 5 (minute hour day month weekday) or 6 (seconds first)`,
    };
  }
  try {
    const cron = new Cron(pattern, {
      timezone,
      mode: '5-or-6-parts',
      paused: true,
      // Vixie cron treats a job as "fixed time" unless its minute or hour starts with `*`; such a job runs once at the
      // first valid time after a spring-forward gap and once on a fall-back repeat. croner's "no-wildcard" rule is the
      // close match (its default would skip `30 2,14 * * *` in the gap).
      fixedTimeRule: 'no-wildcard',
    });
    // 0 3 30 2 * parses but never comes; refusing it here also spares the evaluator croner's long search for it.
    if (cron.nextRun(NEVER_DUE_PROBE) === null) return { ok: false, reason: `"${trimmed}" is never due` };
    return { ok: true, schedule: { expression: trimmed, timezone, hasSeconds: fieldCount === 6, cron } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      reason: `"${trimmed}" is not a valid cron expression: ${message.replace(/^CronPattern:\s*/, '')}`,
    };
  }
}

/** The latest due time at or before `now` (ms), or null when the schedule has none (e.g. a 30 February). */
export function lastDueAtOrBefore(schedule: CompiledSchedule, now: number): number | null {
  // croner's previous runs are strictly before the reference; +1 ms makes a due time equal to now count.
  return schedule.cron.previousRuns(1, new Date(now + 1))[0]?.getTime() ?? null;
}

/**
 * Up to `count` due times at or before `now`, newest first. The evaluator asks for two: the occurrence that is due
 * now, and the one before it (a run missing since that one means a whole occurrence was missed).
 */
export function dueTimesAtOrBefore(schedule: CompiledSchedule, now: number, count: number): number[] {
  return schedule.cron.previousRuns(count, new Date(now + 1)).map((date) => date.getTime());
}

/** The first due time strictly after `now` (ms), or null when there is none. */
export function nextDueAfter(schedule: CompiledSchedule, now: number): number | null {
  return schedule.cron.nextRun(new Date(now))?.getTime() ?? null;
}

/** The due times around an instant: the evaluator's whole question to the calendar. */
export interface DueWindow {
  /** The latest due time at or before the instant. */
  readonly last: number | null;
  /** The first due time after the instant. */
  readonly next: number | null;
  /** The due time before `last`: if no run started since this one, a whole occurrence was missed. */
  readonly previous: number | null;
}

/** `previous` is looked up on first use: only a pipeline with no run since `last` ever asks. */
class CachedWindow implements DueWindow {
  #previous: number | null | undefined;
  constructor(
    private readonly schedule: CompiledSchedule,
    readonly last: number | null,
    readonly next: number | null,
    previous?: number | null,
  ) {
    this.#previous = previous;
  }
  get previous(): number | null {
    if (this.#previous === undefined) {
      this.#previous = this.last === null ? null : (dueTimesAtOrBefore(this.schedule, this.last - 1, 1)[0] ?? null);
    }
    return this.#previous;
  }
}

/**
 * A croner look-up costs tens of microseconds (it walks calendar fields through Intl), too much for a thousand
 * pipelines every few seconds; but the answer only changes when a due time passes. So each compiled schedule keeps
 * its last window and reuses it while the instant stays within [last, next); when `next` passes, the window moves on
 * with one look-up instead of three. Same inputs, same answer: the cache is invisible to callers.
 */
const windowCache = new WeakMap<CompiledSchedule, CachedWindow>();

export function dueWindow(schedule: CompiledSchedule, now: number): DueWindow {
  const cached = windowCache.get(schedule);
  if (cached && (cached.last === null || now >= cached.last)) {
    if (cached.next === null || now < cached.next) return cached;
    const after = nextDueAfter(schedule, cached.next);
    if (after === null || now < after) {
      // Exactly one due time passed: it becomes `last`, and the old `last` is the one before it.
      const moved = new CachedWindow(schedule, cached.next, after, cached.last);
      windowCache.set(schedule, moved);
      return moved;
    }
  }
  const fresh = new CachedWindow(schedule, lastDueAtOrBefore(schedule, now), nextDueAfter(schedule, now));
  windowCache.set(schedule, fresh);
  return fresh;
}

/** The schedule in words for the UI ("At 03:00", "Every 5 seconds"); the expression itself if cronstrue can't. */
export function describeSchedule(expression: string): string {
  const trimmed = expression.trim();
  const pattern = CRON_SHORTCUTS[trimmed.toLowerCase()] ?? trimmed;
  try {
    return cronstrue.toString(pattern, { use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch {
    return trimmed;
  }
}
