// JSON schemas of the API's shapes (shared/api.ts), registered once with $id and referenced by the routes.
// They validate nothing on the way out but drive serialisation (unknown fields are dropped) and the OpenAPI document.
import { RUN_STATUSES, STEP_STATUSES } from '../../shared/events.js';
import { AlertChannelViewSchema, AlertViewSchema, TestAlertOutcomeSchema } from './alerts-schema.js';
import { FigureChangeSchema, RunComparisonSchema } from './compare-schema.js';
import {
  HealthHistoryEntrySchema,
  ScheduleHistoryViewSchema,
  ScheduledStartSchema,
} from './pipeline-history-schema.js';

const nullableInteger = { type: ['integer', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;
/** Any JSON value, as written by the pipeline. */
const anyJson = {} as const;

export const ApiErrorSchema = {
  $id: 'ApiError',
  type: 'object',
  required: ['error', 'message', 'statusCode'],
  properties: { error: { type: 'string' }, message: { type: 'string' }, statusCode: { type: 'integer' } },
} as const;

export const CountsViewSchema = {
  $id: 'CountsView',
  type: 'object',
  required: ['created', 'updated', 'skipped', 'failed'],
  properties: {
    created: { type: 'integer' },
    updated: { type: 'integer' },
    skipped: { type: 'integer' },
    failed: { type: 'integer' },
  },
} as const;

const runViewProperties = {
  id: { type: 'integer' },
  runKey: { type: 'string' },
  club: { type: 'string' },
  pipeline: { type: 'string' },
  trigger: nullableString,
  status: { type: 'string', enum: RUN_STATUSES },
  startedAt: nullableInteger,
  finishedAt: nullableInteger,
  durationMs: nullableInteger,
  counts: { $ref: 'CountsView#' },
  errorCount: { type: 'integer' },
  logCount: { type: 'integer' },
  host: nullableString,
  pid: nullableInteger,
  exitCode: nullableInteger,
  endReason: nullableString,
  summary: anyJson,
  lastEventAt: nullableInteger,
} as const;
const runViewRequired = Object.keys(runViewProperties);

export const RunViewSchema = {
  $id: 'RunView',
  type: 'object',
  required: runViewRequired,
  properties: runViewProperties,
} as const;

export const StepViewSchema = {
  $id: 'StepView',
  type: 'object',
  required: ['name', 'seq', 'status', 'startedAt', 'finishedAt', 'durationMs', 'counts', 'progress', 'stats'],
  properties: {
    name: { type: 'string' },
    seq: { type: 'integer' },
    status: { type: 'string', enum: STEP_STATUSES },
    startedAt: nullableInteger,
    finishedAt: nullableInteger,
    durationMs: nullableInteger,
    counts: { $ref: 'CountsView#' },
    progress: {
      type: ['object', 'null'],
      required: ['done', 'total'],
      properties: { done: { type: 'number' }, total: { type: ['number', 'null'] } },
    },
    stats: anyJson,
  },
} as const;

export const RunDetailSchema = {
  $id: 'RunDetail',
  type: 'object',
  required: [...runViewRequired, 'steps'],
  properties: { ...runViewProperties, steps: { type: 'array', items: { $ref: 'StepView#' } } },
} as const;

export const RunDotSchema = {
  $id: 'RunDot',
  type: 'object',
  required: ['id', 'status', 'startedAt', 'durationMs', 'failed'],
  properties: {
    id: { type: 'integer' },
    status: { type: 'string', enum: RUN_STATUSES },
    startedAt: nullableInteger,
    durationMs: nullableInteger,
    failed: { type: 'integer' },
  },
} as const;

const healthViewRequired = [
  'state',
  'since',
  'reason',
  'schedule',
  'scheduleText',
  'scheduleSource',
  'timezone',
  'nextDueAt',
  'lastDueAt',
  'urgency',
];
const healthViewProperties = {
  state: { type: 'string' },
  since: { type: 'integer' },
  reason: { type: 'string' },
  schedule: nullableString,
  scheduleText: nullableString,
  scheduleSource: nullableString,
  timezone: nullableString,
  nextDueAt: { type: ['integer', 'null'] },
  lastDueAt: { type: ['integer', 'null'] },
  urgency: { type: 'integer' },
} as const;

export const PipelineSummarySchema = {
  $id: 'PipelineSummary',
  type: 'object',
  required: [
    'club',
    'pipeline',
    'lastRun',
    'lastRunSteps',
    'runs24h',
    'successRate24h',
    'unstableRate24h',
    'medianDurationMs',
    'openErrors',
    'openErrorsRunId',
    'recent',
    'health',
  ],
  properties: {
    club: { type: 'string' },
    pipeline: { type: 'string' },
    // Not anyOf [RunView, null]: fast-json-stringify validates each anyOf branch per object, which made this
    // route's serialisation several times slower; a nullable object with the same properties is equivalent.
    lastRun: { type: ['object', 'null'], required: runViewRequired, properties: runViewProperties },
    lastRunSteps: { type: 'array', items: { $ref: 'StepView#' } },
    runs24h: { type: 'integer' },
    successRate24h: { type: ['number', 'null'] },
    unstableRate24h: { type: ['number', 'null'] },
    medianDurationMs: { type: ['number', 'null'] },
    openErrors: { type: 'integer' },
    openErrorsRunId: { type: ['integer', 'null'] },
    recent: { type: 'array', items: { $ref: 'RunDot#' } },
    health: {
      type: ['object', 'null'],
      description:
        "The pipeline's health: `state` (missed, late, stuck, failing, overlap, too-short, unstable, running, ok; " +
        '`urgency` 0 is the most urgent) since `since`, why, and its schedule with its source (`config`, a ' +
        "crontab's `file:line`, or `run`) and the due times around now.",
      required: healthViewRequired,
      properties: healthViewProperties,
    },
  },
} as const;

export const LogLineViewSchema = {
  $id: 'LogLineView',
  type: 'object',
  required: ['id', 'runId', 'offset', 'time', 'level', 'event', 'step', 'msg', 'data'],
  properties: {
    id: { type: 'integer' },
    runId: { type: 'integer' },
    offset: { type: 'integer' },
    time: { type: 'integer' },
    level: { type: 'integer' },
    event: nullableString,
    step: nullableString,
    msg: nullableString,
    data: anyJson,
  },
} as const;

export const ErrorViewSchema = {
  $id: 'ErrorView',
  type: 'object',
  required: [
    'id',
    'runId',
    'offset',
    'club',
    'pipeline',
    'step',
    'identifier',
    'system',
    'message',
    'stack',
    'fingerprint',
    'time',
  ],
  properties: {
    id: { type: 'integer' },
    runId: { type: 'integer' },
    offset: { type: 'integer' },
    club: { type: 'string' },
    pipeline: { type: 'string' },
    step: nullableString,
    identifier: nullableString,
    system: nullableString,
    message: { type: 'string' },
    stack: nullableString,
    fingerprint: { type: 'string' },
    time: { type: 'integer' },
  },
} as const;

export const ErrorGroupSchema = {
  $id: 'ErrorGroup',
  type: 'object',
  required: [
    'fingerprint',
    'title',
    'sampleMessage',
    'system',
    'club',
    'pipeline',
    'count',
    'runsAffected',
    'identifiersAffected',
    'sampleIdentifiers',
    'firstSeen',
    'lastSeen',
    'isNew',
    'latestRunId',
    'acknowledged',
  ],
  properties: {
    fingerprint: { type: 'string' },
    title: {
      type: 'string',
      description: 'The message with the parts the group varies on as placeholders (<n>, <uuid>, <str>, ...)',
    },
    sampleMessage: { type: 'string' },
    system: nullableString,
    club: { type: 'string' },
    pipeline: { type: 'string' },
    count: { type: 'integer' },
    runsAffected: { type: 'integer' },
    identifiersAffected: { type: 'integer' },
    sampleIdentifiers: { type: 'array', items: { type: 'string' } },
    firstSeen: { type: 'integer' },
    lastSeen: { type: 'integer' },
    isNew: { type: 'boolean' },
    latestRunId: { type: 'integer' },
    acknowledged: {
      type: ['object', 'null'],
      description: 'Acknowledged by whom and when, through which occurrence; null once a newer one arrives',
      required: ['by', 'at', 'through'],
      properties: { by: { type: 'string' }, at: { type: 'integer' }, through: { type: 'integer' } },
    },
  },
} as const;

export const RecurringIdentifierSchema = {
  $id: 'RecurringIdentifier',
  type: 'object',
  required: ['club', 'pipeline', 'identifier', 'consecutiveRuns', 'lastMessage', 'lastSeen'],
  properties: {
    club: { type: 'string' },
    pipeline: { type: 'string' },
    identifier: { type: 'string' },
    consecutiveRuns: { type: 'integer' },
    lastMessage: { type: 'string' },
    lastSeen: { type: 'integer' },
  },
} as const;

export const RejectViewSchema = {
  $id: 'RejectView',
  type: 'object',
  required: ['id', 'file', 'offset', 'reason', 'detail', 'excerpt', 'lineBytes', 'at'],
  properties: {
    id: { type: 'integer' },
    file: { type: 'string' },
    offset: { type: 'integer' },
    reason: { type: 'string' },
    detail: nullableString,
    excerpt: nullableString,
    lineBytes: nullableInteger,
    at: { type: 'integer' },
  },
} as const;

export const ReadyViewSchema = {
  $id: 'ReadyView',
  type: 'object',
  required: ['ready'],
  properties: {
    ready: { type: 'boolean' },
    status: { type: 'string', enum: ['ok', 'degraded', 'starting'] },
    problems: { type: 'integer', description: 'Current ingest problems (GET /api/ingest/problems)' },
  },
} as const;

export const IngestProblemsListSchema = {
  $id: 'IngestProblemsList',
  type: 'object',
  required: ['problems'],
  properties: {
    problems: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'kind', 'detail', 'since'],
        properties: {
          path: { type: 'string' },
          kind: { type: 'string', enum: ['unreadable', 'disk_full', 'outside_runs_dir', 'io_error'] },
          detail: { type: 'string' },
          since: { type: 'integer' },
        },
      },
    },
  },
} as const;

export const SessionViewSchema = {
  $id: 'SessionView',
  type: 'object',
  required: ['authRequired', 'authenticated'],
  properties: { authRequired: { type: 'boolean' }, authenticated: { type: 'boolean' } },
} as const;

export const sharedSchemas = [
  ApiErrorSchema,
  ReadyViewSchema,
  IngestProblemsListSchema,
  SessionViewSchema,
  CountsViewSchema,
  RunViewSchema,
  StepViewSchema,
  RunDetailSchema,
  RunDotSchema,
  PipelineSummarySchema,
  LogLineViewSchema,
  ErrorViewSchema,
  ErrorGroupSchema,
  RecurringIdentifierSchema,
  RejectViewSchema,
  FigureChangeSchema,
  RunComparisonSchema,
  AlertViewSchema,
  AlertChannelViewSchema,
  TestAlertOutcomeSchema,
  HealthHistoryEntrySchema,
  ScheduledStartSchema,
  ScheduleHistoryViewSchema,
];

/** A keyset page of `itemRef` items. */
export function pageOf(itemRef: string) {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: { $ref: `${itemRef}#` } },
      nextCursor: { ...nullableString, description: 'Pass back as `cursor` for the next page; null on the last.' },
    },
  } as const;
}

/** Error responses every data route can give. */
export const errorResponses = {
  400: { $ref: 'ApiError#' },
  401: { $ref: 'ApiError#' },
  404: { $ref: 'ApiError#' },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Run id' } },
} as const;

export const cursorParam = {
  type: 'string',
  maxLength: 200,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'Opaque cursor from a previous page (`nextCursor`).',
} as const;

export function limitParam(defaultLimit: number, maxLimit: number) {
  return { type: 'integer', minimum: 1, maximum: maxLimit, default: defaultLimit } as const;
}

/** Club and pipeline names as they appear in paths and run files. */
export const nameParam = { type: 'string', minLength: 1, maxLength: 200 } as const;
