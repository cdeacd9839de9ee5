// Words for expected against actual start times (GET /api/pipelines/:club/:pipeline/schedule-history). Pure.
import type { ScheduledStart, StartTiming } from '../shared/health.js';
import { formatDuration } from './format.js';

/** What the table's last column says for each timing. */
export const TIMING_LABELS: Readonly<Record<StartTiming, string>> = {
  'on-time': 'on time',
  late: 'late',
  missed: 'missed',
  overdue: 'not started, past grace',
  waiting: 'due, within grace',
  extra: 'extra run',
};

/** Timings an operator should look at: coloured as failures (with words, never colour alone). */
export const ATTENTION_TIMINGS: ReadonlySet<StartTiming> = new Set<StartTiming>(['late', 'missed', 'overdue']);

/** `3.5 s after due`, `400 ms before due`, `on the dot`, or `—` when the start has no occurrence (or no run). */
export function delayWords(start: Pick<ScheduledStart, 'delayMs'>): string {
  const delay = start.delayMs;
  if (delay === null) return '—';
  if (delay === 0) return 'on the dot';
  return delay > 0 ? `${formatDuration(delay)} after due` : `${formatDuration(-delay)} before due`;
}

/** `Every 5 seconds (*\/5 * * * * *, UTC), grace 2.0 s, from config`. */
export function scheduleSummary(view: {
  schedule: string | null;
  scheduleText: string | null;
  timezone: string | null;
  graceMs: number;
  scheduleSource: string | null;
}): string | null {
  if (view.schedule === null) return null;
  const words = view.scheduleText ?? view.schedule;
  return `${words} (${view.schedule}, ${view.timezone ?? 'local time'}), grace ${formatDuration(view.graceMs)}, from ${view.scheduleSource ?? 'unknown'}`;
}
