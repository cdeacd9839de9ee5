// The health judge: one pipeline's policy, recent runs, previously stored health and the time in; its one current
// state and why out. Pure (now is a parameter), so it is tested across DST changes and restarts without waiting, and
// the shell only has to run it when runs change and on a timer (at `recheckAt`), store it, and publish changes.
import type { RunForHealth } from '../shared/health.js';
import { healthUrgency, type HealthState, type StoredHealth } from './states.js';
import { formatDuration } from './duration.js';
import { formatInZone } from './zone-time.js';
import type { HealthPolicy } from './resolve-schedule.js';
import { dueWindow, nextDueAfter, type CompiledSchedule } from './schedule.js';

export { HEALTH_STATES, healthUrgency, type HealthState, type StoredHealth } from './states.js';

/** What the evaluator reads of a run (written once in shared/health.ts: the health store selects rows of it). */
export type { RunForHealth };

export interface HealthVerdict {
  state: HealthState;
  since: number;
  /** One line, stable while the situation is (no "3 min ago"), so storing and publishing only on change works. */
  reason: string;
  /** Every state that holds, most urgent first; `conditions[0] === state`. */
  conditions: HealthState[];
  /** Null without a schedule. */
  lastDueAt: number | null;
  nextDueAt: number | null;
  /** The earliest time the verdict can change with no new run data: when to evaluate again. Null: only on runs. */
  recheckAt: number | null;
  watchingSince: number;
  /** `state`: alert-worthy; `reason`: store and publish; `none`: nothing to do. */
  change: 'state' | 'reason' | 'none';
}

export interface HealthInput {
  policy: Pick<HealthPolicy, 'graceMs' | 'maxDurationMs'> & {
    schedule: { compiled: CompiledSchedule; timezone: string } | null;
  };
  /** Newest first (by startedAt). Pass at least the last 20, more is fine: baselines use the newest 20 successes. */
  runs: readonly RunForHealth[];
  previous: StoredHealth | null;
  now: number;
}

/** A run that started up to this long before a due time counts for it: cron host and run writer clocks may differ. */
export const EARLY_START_TOLERANCE_MS = 1000;
/** Learned limits need this many successful runs with a duration. */
export const MIN_HISTORY = 5;
const STUCK_HISTORY = 20;
const ZERO_WORK_HISTORY = 10;

interface Condition {
  state: HealthState;
  /** When it began, as far as the data tells. */
  onset: number;
  reason: string;
}

export function evaluateHealth(input: HealthInput): HealthVerdict {
  const { policy, runs, previous, now } = input;
  const watchingSince = previous?.watchingSince ?? now;
  const found: Condition[] = [];
  const recheck: number[] = [];

  const latest = runs[0];
  const lastFinished = runs.find((run) => run.status !== 'running');

  // Schedule: late and missed.
  let lastDueAt: number | null = null;
  let nextDueAt: number | null = null;
  if (policy.schedule) {
    const { compiled, timezone } = policy.schedule;
    const window = dueWindow(compiled, now);
    lastDueAt = window.last;
    nextDueAt = window.next;
    // At the next due time lastDueAt/nextDueAt move on (shown by the API), and grace later it may be late.
    if (nextDueAt !== null) recheck.push(nextDueAt, nextDueAt + policy.graceMs);
    // With no run on record, watching started counts as the last start: a brand-new install is not "late" for due
    // times before it knew the pipeline, but a pipeline that never runs at all is noticed from then on.
    const lastStart = latest?.startedAt ?? watchingSince;
    const startedSince = (due: number): boolean => lastStart >= due - EARLY_START_TOLERANCE_MS;
    const at = (ms: number): string => formatInZone(ms, timezone, compiled.hasSeconds);
    // Built only when late or missed: formatting a time costs more than the rest of a healthy pipeline's evaluation.
    const context = (): string => {
      const stillRunning = runs.find((run) => run.status === 'running');
      return (
        (latest ? `no run started since ${at(latest.startedAt)}` : 'no run recorded yet') +
        (stillRunning ? `; run ${stillRunning.id} (started ${at(stillRunning.startedAt)}) is still running` : '')
      );
    };

    // Judged from the first due time the last start doesn't cover, not from the latest one: it says how late the work
    // really is, keeps the reason the same while nothing starts, and works when grace is longer than the interval.
    if (lastDueAt !== null && !startedSince(lastDueAt)) {
      const { firstUncovered, secondUncovered } = uncoveredDueTimes(compiled, lastStart, lastDueAt, nextDueAt);
      const lateAt = firstUncovered + policy.graceMs;
      if (now >= lateAt) {
        found.push({
          state: 'late',
          onset: lateAt,
          reason: `due at ${at(firstUncovered)} ${timezone} (grace ${formatDuration(policy.graceMs)}); ${context()}`,
        });
        if (secondUncovered <= now) {
          found.push({
            state: 'missed',
            onset: Math.max(secondUncovered, lateAt),
            reason: `no run for the one due at ${at(firstUncovered)} ${timezone}, and the next was due at ${at(secondUncovered)}; ${context()}`,
          });
        }
      } else {
        recheck.push(lateAt);
      }
    }
  }

  // Running, stuck, overlap.
  const runningRuns = runs.filter((run) => run.status === 'running');
  // Learned only when something is running: sorting history on every tick for every idle pipeline adds up.
  const limit = runningRuns.length > 0 ? stuckLimit(policy.maxDurationMs, runs) : null;
  for (const run of runningRuns) {
    if (limit === null) break;
    const stuckAt = run.startedAt + limit.ms;
    if (now > stuckAt) {
      found.push({
        state: 'stuck',
        onset: stuckAt,
        reason: `run ${run.id} has been running longer than ${formatDuration(limit.ms)} (${describeLimit(limit)})`,
      });
      break;
    }
    recheck.push(stuckAt + 1);
  }
  // About the newest run and the one before it, so it stays after both finish (an operator still needs to see it
  // happened) and clears when a run starts cleanly. An abandoned run's finishedAt is its last event, not the moment
  // it was noticed, so a long-dead run doesn't count as still running.
  const predecessor = runs[1];
  if (
    latest &&
    predecessor &&
    (predecessor.status === 'running' || (predecessor.finishedAt !== null && predecessor.finishedAt > latest.startedAt))
  ) {
    found.push({
      state: 'overlap',
      onset: latest.startedAt,
      reason: `run ${latest.id} started while run ${predecessor.id} was still running`,
    });
  }
  const newestRunning = runningRuns[0];
  if (newestRunning) {
    found.push({ state: 'running', onset: newestRunning.startedAt, reason: `run ${newestRunning.id} is running` });
  }

  // The last finished run's result: failing, unstable, too-short.
  if (lastFinished) {
    const finishedAt = lastFinished.finishedAt ?? lastFinished.startedAt;
    if (lastFinished.status === 'failure' || lastFinished.status === 'abandoned') {
      found.push({
        state: 'failing',
        onset: finishedAt,
        reason:
          lastFinished.status === 'failure'
            ? `run ${lastFinished.id} failed`
            : `run ${lastFinished.id} was abandoned (its process ended without run.end)`,
      });
    } else if (lastFinished.status === 'success') {
      const short = tooShort(lastFinished, runs);
      if (short) found.push({ state: 'too-short', onset: finishedAt, reason: short });
      if (lastFinished.failed > 0 || lastFinished.errorCount > 0) {
        const parts = [
          lastFinished.failed > 0 ? plural(lastFinished.failed, 'failed record') : null,
          lastFinished.errorCount > 0 ? plural(lastFinished.errorCount, 'error') : null,
        ].filter((part): part is string => part !== null);
        found.push({
          state: 'unstable',
          onset: finishedAt,
          reason: `run ${lastFinished.id} succeeded with ${parts.join(' and ')}`,
        });
      }
    }
  }

  found.sort((a, b) => healthUrgency(a.state) - healthUrgency(b.state));
  const top: Condition = found[0] ?? {
    state: 'ok',
    onset: lastFinished?.finishedAt ?? now,
    reason: lastFinished ? `run ${lastFinished.id} succeeded` : 'no run recorded yet',
  };

  const sameState = previous !== null && previous.state === top.state;
  // A new state began no earlier than the previous one did, and not in the future (clocks of writers may run ahead).
  const since = sameState ? previous.since : Math.min(now, Math.max(top.onset, previous?.since ?? -Infinity));
  const upcoming = recheck.filter((time) => time > now);
  return {
    state: top.state,
    since,
    reason: top.reason,
    conditions: found.length > 0 ? found.map((c) => c.state) : ['ok'],
    lastDueAt,
    nextDueAt,
    recheckAt: upcoming.length > 0 ? Math.min(...upcoming) : null,
    watchingSince,
    change: !sameState ? 'state' : previous.reason !== top.reason ? 'reason' : 'none',
  };
}

export interface StuckLimit {
  ms: number;
  basis: 'maxDuration' | 'median' | 'p95';
  /** Of the successful runs the limit was learned from (0 with maxDuration). */
  median: number;
  p95: number;
  count: number;
}

/**
 * maxDuration if configured; else max(3 × median, 2 × p95) of the newest 20 successful runs, once there are 5. Only
 * successes: a pipeline that fails fast (a refused login after 2 s) would otherwise teach a limit its next normal
 * run is bound to break.
 */
export function stuckLimit(maxDurationMs: number | null, runsNewestFirst: readonly RunForHealth[]): StuckLimit | null {
  if (maxDurationMs !== null) return { ms: maxDurationMs, basis: 'maxDuration', median: 0, p95: 0, count: 0 };
  const durations: number[] = [];
  for (const run of runsNewestFirst) {
    if (run.status === 'success' && run.durationMs !== null) durations.push(run.durationMs);
    if (durations.length === STUCK_HISTORY) break;
  }
  if (durations.length < MIN_HISTORY) return null;
  durations.sort((a, b) => a - b);
  const median = medianOfSorted(durations);
  const p95 = durations[Math.ceil(0.95 * durations.length) - 1] ?? median;
  const count = durations.length;
  return 3 * median >= 2 * p95
    ? { ms: 3 * median, basis: 'median', median, p95, count }
    : { ms: 2 * p95, basis: 'p95', median, p95, count };
}

export function describeLimit(limit: StuckLimit): string {
  if (limit.basis === 'maxDuration') return 'maxDuration';
  return limit.basis === 'median'
    ? `3 × the median ${formatDuration(limit.median)} of the last ${limit.count} successful runs`
    : `2 × the p95 ${formatDuration(limit.p95)} of the last ${limit.count} successful runs`;
}

/**
 * The first due time after the last start (allowing for clock skew) and the one after it. Two uncached croner
 * look-ups, so remembered per schedule and last start: the answer can't change until a run starts.
 */
const uncoveredCache = new WeakMap<
  CompiledSchedule,
  Map<number, { firstUncovered: number; secondUncovered: number }>
>();

function uncoveredDueTimes(
  compiled: CompiledSchedule,
  lastStart: number,
  lastDue: number,
  nextDue: number | null,
): { firstUncovered: number; secondUncovered: number } {
  let bySchedule = uncoveredCache.get(compiled);
  if (!bySchedule) {
    bySchedule = new Map<number, { firstUncovered: number; secondUncovered: number }>();
    uncoveredCache.set(compiled, bySchedule);
  }
  const known = bySchedule.get(lastStart);
  if (known) return known;
  const firstUncovered = Math.min(nextDueAfter(compiled, lastStart + EARLY_START_TOLERANCE_MS) ?? lastDue, lastDue);
  // Just late (only the latest due time uncovered): the one after it is the window's next, no look-up needed.
  const second = firstUncovered === lastDue ? nextDue : nextDueAfter(compiled, firstUncovered);
  const result = { firstUncovered, secondUncovered: second ?? Infinity };
  if (bySchedule.size >= 1000) bySchedule.clear();
  bySchedule.set(lastStart, result);
  return result;
}

/** Why the last finished (successful) run looks like it did nothing, or null. */
function tooShort(run: RunForHealth, runsNewestFirst: readonly RunForHealth[]): string | null {
  const index = runsNewestFirst.indexOf(run);
  const durations = run.durationMs === null ? [] : successfulDurations(runsNewestFirst, index + 1, STUCK_HISTORY);
  if (run.durationMs !== null && durations.length >= MIN_HISTORY) {
    const median = medianOfSorted(durations);
    if (run.durationMs < median / 10) {
      return `run ${run.id} took ${formatDuration(run.durationMs)}, under a tenth of the median ${formatDuration(median)} of the ${durations.length} successful runs before it`;
    }
  }
  if (run.created + run.updated === 0) {
    let workedBefore = 0;
    for (let i = index + 1; i < runsNewestFirst.length && workedBefore < ZERO_WORK_HISTORY; i++) {
      const earlier = runsNewestFirst[i];
      if (earlier?.status !== 'success') continue;
      if (earlier.created + earlier.updated === 0) return null;
      workedBefore++;
    }
    if (workedBefore === ZERO_WORK_HISTORY) {
      return `run ${run.id} created and updated nothing; each of the ${ZERO_WORK_HISTORY} successful runs before it did`;
    }
  }
  return null;
}

/** Durations of up to `limit` successful runs from `start` on, sorted ascending; no copies of the run list. */
function successfulDurations(runsNewestFirst: readonly RunForHealth[], start: number, limit: number): number[] {
  const durations: number[] = [];
  for (let i = start; i < runsNewestFirst.length && durations.length < limit; i++) {
    const run = runsNewestFirst[i];
    if (run?.status === 'success' && run.durationMs !== null) durations.push(run.durationMs);
  }
  return durations.sort((a, b) => a - b);
}

function medianOfSorted(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
