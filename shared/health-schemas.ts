// Shapes of a pipeline's histories (GET /api/pipelines/:club/:pipeline/health-history and …/schedule-history),
// written once as TypeBox schemas with the types derived from them (see shared/api-schemas.ts). Everyone else takes
// the types through shared/health.ts; the browser must only `import type` from here (a value import would bundle
// TypeBox).
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Ref, StringEnum } from './api-schema-kit.js';
import { START_TIMINGS, type HealthState } from './health.js';

/** A health state: the order of states lives in health/states.ts, which shared/ must not import, so a string. */
function healthState(description: string) {
  return Type.Unsafe<HealthState>({ type: 'string', description });
}

/** One change of a pipeline's health state, as stored in `pipeline_health_history`. */
export const HealthHistoryEntrySchema = Type.Object(
  {
    id: Type.Integer(),
    club: Type.String(),
    pipeline: Type.String(),
    /** null for the first judgement of the pipeline. */
    from: Nullable(healthState('The state before (missed, late, …, ok); null for the first judgement')),
    to: healthState('The new state'),
    /** When the new state began (can be before `at`: late since due + grace). */
    since: Type.Integer({ description: 'When the new state began (ms)' }),
    reason: Type.String(),
    /** When runboard noticed the change. */
    at: Type.Integer({ description: 'When the change was noticed (ms)' }),
  },
  { $id: 'HealthHistoryEntry' },
);
export type HealthHistoryEntry = Static<typeof HealthHistoryEntrySchema>;

/** One scheduled occurrence and the run that answered it (or none), or an extra run. */
export const ScheduledStartSchema = Type.Object(
  {
    /** The occurrence (ms); null for an `extra` run. */
    dueAt: Nullable(Type.Integer({ description: 'The scheduled occurrence (ms); null for an extra run' })),
    timing: StringEnum(START_TIMINGS),
    runId: Nullable(Type.Integer()),
    startedAt: Nullable(Type.Integer()),
    /** startedAt − dueAt: negative when the run started before its due time; null without both. */
    delayMs: Nullable(Type.Integer({ description: 'startedAt − dueAt; negative when the run started early' })),
  },
  { $id: 'ScheduledStart' },
);
export type ScheduledStart = Static<typeof ScheduledStartSchema>;

/** GET /api/pipelines/:club/:pipeline/schedule-history: expected against actual start times, newest first. */
export const ScheduleHistoryViewSchema = Type.Object(
  {
    club: Type.String(),
    pipeline: Type.String(),
    /** null without a schedule: then `starts` is empty (there is nothing to compare a start against). */
    schedule: Nullable(Type.String()),
    scheduleText: Nullable(Type.String()),
    scheduleSource: Nullable(Type.String()),
    timezone: Nullable(Type.String()),
    graceMs: Type.Integer(),
    /** Occurrences before this were not expected (runboard was not watching and no run was recorded yet). */
    expectedSince: Nullable(Type.Integer()),
    starts: Type.Array(Ref(ScheduledStartSchema)),
  },
  { $id: 'ScheduleHistoryView' },
);
export type ScheduleHistoryView = Static<typeof ScheduleHistoryViewSchema>;
