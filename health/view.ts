// The health an API item or live frame shows: the verdict plus its schedule, in words and with its source.
import type { HealthVerdict } from './evaluate.js';
import type { ResolvedSchedule } from './resolve-schedule.js';
import { describeSchedule } from './schedule.js';
import type { PipelineHealthView } from './states.js';

export function toHealthView(verdict: HealthVerdict, schedule: ResolvedSchedule | null): PipelineHealthView {
  return {
    state: verdict.state,
    since: verdict.since,
    reason: verdict.reason,
    ...scheduleFields(schedule),
    nextDueAt: verdict.nextDueAt,
    lastDueAt: verdict.lastDueAt,
  };
}

/** A schedule as the API shows it: the expression, in words, where it came from and its zone (all null: none). */
export function scheduleFields(schedule: ResolvedSchedule | null): {
  schedule: string | null;
  scheduleText: string | null;
  scheduleSource: ResolvedSchedule['source'] | null;
  timezone: string | null;
} {
  return {
    schedule: schedule?.expression ?? null,
    scheduleText: schedule ? describeSchedule(schedule.expression) : null,
    scheduleSource: schedule?.source ?? null,
    timezone: schedule?.timezone ?? null,
  };
}
