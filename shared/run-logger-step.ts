// One step of a run: step.start, throttled step.progress, accumulated counts, and one step.end.
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
  /** Adds to the step's record counts (non-negative integers; anything else is ignored). */
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
    const sinceLast = this.#ctx.now() - this.#lastProgressAt;
    const complete = total !== undefined && done >= total;
    if (complete || sinceLast >= this.#ctx.progressIntervalMs) {
      this.#writeProgress();
    } else if (!this.#progressTimer) {
      // Trailing write, so a step that stops reporting still shows where it got to.
      this.#progressTimer = setTimeout(() => {
        this.#progressTimer = null;
        if (!this.#finished) this.#writeProgress();
      }, this.#ctx.progressIntervalMs - sinceLast);
      this.#progressTimer.unref();
    }
  }

  count(counts: Counts): void {
    for (const key of COUNT_KEYS) {
      const n = counts[key];
      // An invalid count would make the whole step.end line a reject; a bad number must not cost the step.
      if (typeof n === 'number' && Number.isFinite(n) && n >= 0) this.#counts[key] += Math.trunc(n);
    }
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
    if (this.#pendingProgress) this.#writeProgress();
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

  #writeProgress(): void {
    const progress = this.#pendingProgress;
    if (!progress) return;
    this.#pendingProgress = null;
    this.#lastProgressAt = this.#ctx.now();
    const fields: Record<string, unknown> = { event: 'step.progress', done: progress.done };
    if (progress.total !== undefined) fields.total = progress.total;
    const msg = progress.total !== undefined ? `${progress.done}/${progress.total}` : String(progress.done);
    this.#ctx.events.info(fields, msg);
  }
}
