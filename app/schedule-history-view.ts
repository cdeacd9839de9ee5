// GET /api/pipelines/:club/:pipeline/schedule-history's answer: the health shell's policy for the pipeline, its
// runs' start times from the store, and the pure matching (health/schedule-history.ts) put together.
import { EARLY_START_TOLERANCE_MS } from '../health/evaluate.js';
import { scheduleFields } from '../health/view.js';
import { matchScheduledStarts, oldestShownDue } from '../health/schedule-history.js';
import type { HealthStore, PipelineKey } from '../ingest/health-store.js';
import type { ScheduleHistoryView } from '../shared/health.js';
import type { HealthMonitor } from './health-monitor.js';

/** Recent occurrences shown: a day of an hourly job, nearly three weeks of a daily one. */
export const SCHEDULE_HISTORY_OCCURRENCES = 20;
/** Runs read at most: a pipeline started far more often than scheduled must not make one request read thousands. */
const MAX_RUNS = 200;

export function scheduleHistoryView(
  monitor: Pick<HealthMonitor, 'policyOf'>,
  store: Pick<HealthStore, 'runStartsSince' | 'firstRunStartedAt'>,
  key: PipelineKey,
  now: number,
): ScheduleHistoryView | null {
  const tracked = monitor.policyOf(key);
  if (tracked === null) return null;
  const { policy, watchingSince } = tracked;
  const schedule = policy.schedule;
  const base = {
    club: key.club,
    pipeline: key.pipeline,
    ...scheduleFields(schedule),
    graceMs: policy.graceMs,
  };
  if (schedule === null) return { ...base, expectedSince: null, starts: [] };
  const oldest = oldestShownDue(schedule.compiled, now, SCHEDULE_HISTORY_OCCURRENCES);
  const runs = oldest === null ? [] : store.runStartsSince(key, oldest - EARLY_START_TOLERANCE_MS, MAX_RUNS);
  // Nothing was expected before runboard watched the pipeline, unless its runs say it ran before then.
  const firstRun = store.firstRunStartedAt(key);
  let expectedSince =
    watchingSince === null ? firstRun : firstRun === null ? watchingSince : Math.min(watchingSince, firstRun);
  // With the read cut short, occurrences before the oldest run read may have had runs that were not read.
  const oldestRead = runs[runs.length - 1];
  if (runs.length === MAX_RUNS && oldestRead) expectedSince = Math.max(expectedSince ?? 0, oldestRead.startedAt);
  const starts = matchScheduledStarts({
    schedule: schedule.compiled,
    graceMs: policy.graceMs,
    runs,
    now,
    occurrences: SCHEDULE_HISTORY_OCCURRENCES,
    expectedSince,
  });
  return { ...base, expectedSince, starts };
}
