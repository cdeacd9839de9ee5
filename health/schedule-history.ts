// Expected against actual start times: which scheduled occurrence each recent run answers, how late or early it
// started, and which occurrences passed with no run. Pure (now is a parameter); croner gives the occurrences.
//
// The rules are the health judge's (evaluate.ts), so the pipeline page never tells a different story than the
// pipeline's state: a run answers the latest occurrence at or before its start (up to EARLY_START_TOLERANCE_MS
// before it counts, as clocks differ); it is late when it started after due + grace; an occurrence with no run is
// missed once the next one has come due.
import type { ScheduledStart } from '../shared/health.js';
import { EARLY_START_TOLERANCE_MS } from './evaluate.js';
import { dueTimesAtOrBefore, type CompiledSchedule } from './schedule.js';

/** What the matching reads of a run. */
export interface RunStart {
  id: number;
  startedAt: number;
}

export interface ScheduleMatchInput {
  /** null: no schedule, nothing to compare against (the answer is empty). */
  schedule: CompiledSchedule | null;
  graceMs: number;
  /** Runs with a start time, any order; those before the oldest occurrence shown are left out. */
  runs: readonly RunStart[];
  now: number;
  /** How many recent occurrences to show (the newest at or before now, plus one due within the tolerance). */
  occurrences: number;
  /**
   * Unanswered occurrences before this are not reported (runboard was not watching and had no run yet, so nothing
   * was expected then). null: every occurrence counts.
   */
  expectedSince: number | null;
  earlyToleranceMs?: number;
}

/**
 * The oldest occurrence `matchScheduledStarts` shows for these inputs: runs that started before it (less the
 * tolerance) answer none of the occurrences shown, so the shell reads runs from there on.
 */
export function oldestShownDue(
  schedule: CompiledSchedule,
  now: number,
  occurrences: number,
  earlyToleranceMs = EARLY_START_TOLERANCE_MS,
): number | null {
  const dues = dueTimesAtOrBefore(schedule, now + earlyToleranceMs, occurrences);
  return dues[dues.length - 1] ?? null;
}

/** Newest first: each occurrence with the run that answered it (or none), and runs that answer no occurrence. */
export function matchScheduledStarts(input: ScheduleMatchInput): ScheduledStart[] {
  const { schedule, graceMs, now } = input;
  if (schedule === null || input.occurrences <= 0) return [];
  const tolerance = input.earlyToleranceMs ?? EARLY_START_TOLERANCE_MS;
  // An occurrence due within the tolerance counts already: a run that started just before it answers it.
  const dues = dueTimesAtOrBefore(schedule, now + tolerance, input.occurrences).reverse();
  const oldest = dues[0];
  if (oldest === undefined) return [];
  const runs = input.runs.filter((run) => run.startedAt >= oldest - tolerance).sort(byStart);

  const out: ScheduledStart[] = [];
  let r = 0;
  for (let i = 0; i < dues.length; i++) {
    const due = dues[i] as number;
    const nextDue = dues[i + 1];
    // Runs from this occurrence's start (less the tolerance) until the next one's answer this one; the first does.
    const end = nextDue === undefined ? Infinity : nextDue - tolerance;
    let answered = false;
    for (; r < runs.length && (runs[r] as RunStart).startedAt < end; r++) {
      const run = runs[r] as RunStart;
      if (!answered) {
        answered = true;
        const delayMs = run.startedAt - due;
        out.push({
          dueAt: due,
          timing: delayMs > graceMs ? 'late' : 'on-time',
          runId: run.id,
          startedAt: run.startedAt,
          delayMs,
        });
      } else {
        out.push({ dueAt: null, timing: 'extra', runId: run.id, startedAt: run.startedAt, delayMs: null });
      }
    }
    if (answered || (input.expectedSince !== null && due < input.expectedSince)) continue;
    const timing = nextDue !== undefined && nextDue <= now ? 'missed' : now >= due + graceMs ? 'overdue' : 'waiting';
    out.push({ dueAt: due, timing, runId: null, startedAt: null, delayMs: null });
  }
  return out.sort((a, b) => instantOf(b) - instantOf(a));
}

function byStart(a: RunStart, b: RunStart): number {
  return a.startedAt - b.startedAt || a.id - b.id;
}

/** Where an entry sits in time: its occurrence, or an extra run's start. */
function instantOf(start: ScheduledStart): number {
  return start.dueAt ?? start.startedAt ?? 0;
}
