// JSON schemas of a pipeline's histories (shared/health.ts): its health changes and its expected against actual
// start times. Registered with the others in schemas.ts.
import { START_TIMINGS } from '../../shared/health.js';

const nullableInteger = { type: ['integer', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;

export const HealthHistoryEntrySchema = {
  $id: 'HealthHistoryEntry',
  type: 'object',
  required: ['id', 'club', 'pipeline', 'from', 'to', 'since', 'reason', 'at'],
  properties: {
    id: { type: 'integer' },
    club: { type: 'string' },
    pipeline: { type: 'string' },
    from: { ...nullableString, description: 'The state before (missed, late, …, ok); null for the first judgement' },
    to: { type: 'string', description: 'The new state' },
    since: { type: 'integer', description: 'When the new state began (ms)' },
    reason: { type: 'string' },
    at: { type: 'integer', description: 'When the change was noticed (ms)' },
  },
} as const;

export const ScheduledStartSchema = {
  $id: 'ScheduledStart',
  type: 'object',
  required: ['dueAt', 'timing', 'runId', 'startedAt', 'delayMs'],
  properties: {
    dueAt: { ...nullableInteger, description: 'The scheduled occurrence (ms); null for an extra run' },
    timing: { type: 'string', enum: START_TIMINGS },
    runId: nullableInteger,
    startedAt: nullableInteger,
    delayMs: { ...nullableInteger, description: 'startedAt − dueAt; negative when the run started early' },
  },
} as const;

export const ScheduleHistoryViewSchema = {
  $id: 'ScheduleHistoryView',
  type: 'object',
  required: [
    'club',
    'pipeline',
    'schedule',
    'scheduleText',
    'scheduleSource',
    'timezone',
    'graceMs',
    'expectedSince',
    'starts',
  ],
  properties: {
    club: { type: 'string' },
    pipeline: { type: 'string' },
    schedule: nullableString,
    scheduleText: nullableString,
    scheduleSource: nullableString,
    timezone: nullableString,
    graceMs: { type: 'integer' },
    expectedSince: nullableInteger,
    starts: { type: 'array', items: { $ref: 'ScheduledStart#' } },
  },
} as const;
