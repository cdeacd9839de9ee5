// One step of a run: step.start, throttled step.progress (the bar and the counts so far), accumulated counts, and
// one step.end.
import type { Logger } from 'pino';
import { COUNT_KEYS, type Counts, type StepOutcome } from './events.js';

/** What a step's function receives. */
export interface StepHandle {
  /** The step's name as written (a repeated name gets a `#2`, `#3` suffix: names are unique within a run). */
  readonly name: string;
  /** The run's logger, bound with `step`. */
  readonly log: Logger;
  /** Progress for the dashboard's bar. Throttled (see `progressIntervalMs`); the latest value always lands. */
  progress(done: number, total?: number): void;
  /**
   * Adds to the step's record counts (non-negative integers; anything else is ignored). The running totals go out on
   * step.progress lines, throttled like `progress` (cheap enough to call once per record); step.end has the final ones.
   */
  count(counts: Counts): void;
  /** Merges into the `stats` written with step.end (any JSON). */
  stats(stats: Record<string, unknown>): void;
  /** Records a record-level error of this step (the step goes on). */
  error(input: StepErrorInput): void;
  /** Ends the step as `skipped` instead of `success` when its function returns. */
  skip(reason?: string): void;
}

export interface StepErrorInput {
  /** The record that failed, e.g. a member id. */
  identifier?: string | number;
  /** The target system, e.g. `laposta`. */
  system?: string;
  err?: unknown;
  msg?: string;
}

/** What a step needs from its run. */
export interface StepContext {
  /** Contract-event logger bound with `step` (always enabled, whatever the run's level). */
  events: Logger;
  /** The run's logger bound with `step`. */
  log: Logger;
  progressIntervalMs: number;
  /** The run's clock (ms): durations and progress throttling. */
  now: () => number;
  recordError(step: string, input: StepErrorInput): void;
}

export class RunStep implements StepHandle {
  readonly #ctx: StepContext;
  readonly #startedAt: number;
  readonly #counts: Required<Counts> = { created: 0, updated: 0, skipped: 0, failed: 0 };
  #stats: Record<string, unknown> | null = null;
  #skipReason: string | null = null;
  #finished = false;
  #lastProgressAt: number;
  #pendingProgress: { done: number; total: number | undefined } | null = null;
  /** Counts changed since the last step.progress line. */
  #countsPending = false;
  #progressTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly name: string,
    ctx: StepContext,
  ) {
    this.#ctx = ctx;
    this.#startedAt = ctx.now();
    this.#lastProgressAt = -Infinity;
    ctx.events.info({ event: 'step.start' }, `step ${name} started`);
  }

  get log(): Logger {
    return this.#ctx.log;
  }

  get finished(): boolean {
    return this.#finished;
  }

  progress(done: number, total?: number): void {
    if (this.#finished || !Number.isFinite(done)) return;
    if (total !== undefined && !Number.isFinite(total)) total = undefined;
    this.#pendingProgress = { done, total };
    this.#scheduleProgress(total !== undefined && done >= total);
  }

  count(counts: Counts): void {
    let changed = false;
    for (const key of COUNT_KEYS) {
      const n = counts[key];
      // An invalid count would make the whole step.end line a reject; a bad number must not cost the step.
      if (typeof n === 'number' && Number.isFinite(n) && n >= 1) {
        this.#counts[key] += Math.trunc(n);
        changed = true;
      }
    }
    if (!changed || this.#finished) return;
    this.#countsPending = true;
    // The clock is read on every call (tens of ns), not only when no trailing write is due: a synchronous loop
    // never lets that timer fire, and its counts must still move once per interval.
    this.#scheduleProgress(false);
  }

  stats(stats: Record<string, unknown>): void {
    this.#stats = { ...this.#stats, ...stats };
  }

  error(input: StepErrorInput): void {
    this.#ctx.recordError(this.name, input);
  }

  skip(reason?: string): void {
    this.#skipReason = reason ?? '';
  }

  /** Writes step.end once. `outcome` undefined means the function returned: success, or skipped if asked. */
  finish(outcome?: StepOutcome, reason?: string): void {
    if (this.#finished) return;
    // The last figures land before step.end, so the progress lines end where the step did.
    if (this.#pendingProgress || this.#countsPending) this.#writeProgress();
    this.#finished = true;
    if (this.#progressTimer) clearTimeout(this.#progressTimer);
    const finalOutcome: StepOutcome = outcome ?? (this.#skipReason !== null ? 'skipped' : 'success');
    const finalReason = reason ?? (finalOutcome === 'skipped' && this.#skipReason ? this.#skipReason : undefined);
    const counts: Counts = {};
    for (const key of COUNT_KEYS) if (this.#counts[key] > 0) counts[key] = this.#counts[key];
    const fields: Record<string, unknown> = {
      event: 'step.end',
      outcome: finalOutcome,
      durationMs: Math.round(this.#ctx.now() - this.#startedAt),
      counts,
    };
    if (this.#stats) fields.stats = this.#stats;
    if (finalReason) fields.reason = finalReason;
    const msg = `step ${this.name} ${finalOutcome}${finalReason ? `: ${finalReason}` : ''}`;
    if (finalOutcome === 'failure') this.#ctx.events.error(fields, msg);
    else this.#ctx.events.info(fields, msg);
  }

  /**
   * At most one step.progress line per `progressIntervalMs`: now when the interval has passed (or `now` says the bar
   * is complete), else once by a trailing timer, so a step that stops reporting still shows where it got to.
   */
  #scheduleProgress(now: boolean): void {
    const sinceLast = this.#ctx.now() - this.#lastProgressAt;
    if (now || sinceLast >= this.#ctx.progressIntervalMs) {
      this.#writeProgress();
    } else if (!this.#progressTimer) {
      this.#progressTimer = setTimeout(() => {
        this.#progressTimer = null;
        if (!this.#finished) this.#writeProgress();
      }, this.#ctx.progressIntervalMs - sinceLast);
      this.#progressTimer.unref();
    }
  }

  /** One step.progress line: the bar (when progress() gave one since) and the counts so far (when they moved). */
  #writeProgress(): void {
    const progress = this.#pendingProgress;
    const withCounts = this.#countsPending;
    if (!progress && !withCounts) return;
    this.#pendingProgress = null;
    this.#countsPending = false;
    if (this.#progressTimer) {
      // Written early (a complete bar): the next report starts a fresh interval.
      clearTimeout(this.#progressTimer);
      this.#progressTimer = null;
    }
    this.#lastProgressAt = this.#ctx.now();
    const fields: Record<string, unknown> = { event: 'step.progress' };
    let msg = '';
    if (progress) {
      fields.done = progress.done;
      if (progress.total !== undefined) fields.total = progress.total;
      msg = progress.total !== undefined ? `${progress.done}/${progress.total}` : String(progress.done);
    }
    if (withCounts) {
      // Cumulative for the step, as on step.end: a lost or reordered line cannot skew the dashboard's totals.
      const counts: Counts = {};
      const said: string[] = [];
      for (const key of COUNT_KEYS) {
        const n = this.#counts[key];
        if (n > 0) {
          counts[key] = n;
          said.push(`${n} ${key}`);
        }
      }
      fields.counts = counts;
      msg = msg === '' ? said.join(', ') : `${msg} · ${said.join(', ')}`;
    }
    this.#ctx.events.info(fields, msg);
  }
}
