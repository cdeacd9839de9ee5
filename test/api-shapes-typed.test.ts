// A field on a response type that its serializer schema does not name would be dropped without a word. Here each
// route's answer type gets a full value written against the type (Full<T>: every field, optional ones included,
// nothing null that can be more), and it must come back from the route's response schema field for field. Adding a
// field to a type without its schema fails to compile here (the value lacks it) or fails the round trip (dropped).
import type { TSchema } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertChannelsResponse, AlertView, TestAlertOutcome } from '../shared/alerts.js';
import { AlertChannelsResponseSchema, AlertViewSchema, TestAlertOutcomeSchema } from '../shared/alerts-schemas.js';
import type { FigureChange, RunComparison } from '../shared/api-compare.js';
import { RunComparisonSchema } from '../shared/api-compare-schemas.js';
import { Ref } from '../shared/api-schema-kit.js';
import {
  ApiErrorSchema,
  ConfigViewSchema,
  ErrorGroupsResponseSchema,
  ErrorViewSchema,
  HealthViewSchema,
  IngestProblemsListSchema,
  LogsResponseSchema,
  PipelineSummarySchema,
  ReadyViewSchema,
  RejectViewSchema,
  RunDetailSchema,
  RunViewSchema,
  SessionViewSchema,
} from '../shared/api-schemas.js';
import type {
  ApiError,
  ConfigView,
  CountsView,
  ErrorGroupsResponse,
  ErrorView,
  HealthView,
  IngestProblemsList,
  LogsResponse,
  Page,
  PipelineSummary,
  ReadyView,
  RejectView,
  RunDetail,
  RunView,
  SessionView,
  StepView,
} from '../shared/api.js';
import type { HealthHistoryEntry, ScheduleHistoryView } from '../shared/health.js';
import { HealthHistoryEntrySchema, ScheduleHistoryViewSchema } from '../shared/health-schemas.js';
import { pageOf, sharedSchemas } from '../server/routes/schemas.js';

/** Every field present (optional ones too), and no null where the type allows something else. */
type Full<T> = T extends readonly (infer I)[]
  ? Full<I>[]
  : T extends object
    ? { [K in keyof T]-?: Full<NonNullable<T[K]>> }
    : T;

const json = { nested: [1, 2.5, 'two', null, true, { deep: {} }] };
const counts: Full<CountsView> = { created: 1, updated: 2, skipped: 3, failed: 4 };
const run: Full<RunView> = {
  id: 1,
  runKey: 'run-1',
  club: 'club-a',
  pipeline: 'invoices',
  trigger: 'cron',
  status: 'success',
  startedAt: 1000,
  finishedAt: 2000,
  durationMs: 1000,
  counts,
  errorCount: 5,
  logCount: 6,
  host: 'host-1',
  pid: 42,
  exitCode: 0,
  endReason: 'exit',
  summary: json,
  lastEventAt: 2000,
};
const step: Full<StepView> = {
  name: 'fetch',
  seq: 1,
  status: 'running',
  startedAt: 1000,
  finishedAt: 1500,
  durationMs: 500,
  counts,
  progress: { done: 3, total: 10 },
  stats: json,
};
const error: Full<ErrorView> = {
  id: 1,
  runId: 1,
  offset: 120,
  club: 'club-a',
  pipeline: 'invoices',
  step: 'fetch',
  identifier: 'INV-1',
  system: 'erp',
  message: '<b>failed</b> "quoted"',
  stack: 'Error: at x',
  fingerprint: 'abc123',
  time: 1200,
};
const reject: Full<RejectView> = {
  id: 1,
  file: 'club-a/invoices/run-1.ndjson',
  offset: 7,
  reason: 'bad_json',
  detail: 'Unexpected token',
  excerpt: '{oops',
  lineBytes: 5,
  at: 3000,
};
const figure: Full<FigureChange> = {
  current: 12.5,
  baseline: 10,
  change: 2.5,
  changePct: 25,
  range: { median: 10, mad: 1, low: 7, high: 13, runs: 5 },
  outside: false,
};
const figures = { durationMs: figure, created: figure, updated: figure, skipped: figure, failed: figure };
const errorList = {
  items: [{ system: 'erp', identifier: 'INV-1', count: 2, message: 'failed', consecutiveRuns: 3 }],
  total: 1,
};

const runDetail: Full<RunDetail> = { ...run, steps: [step] };
const runsPage: Full<Page<RunView>> = { items: [run], nextCursor: 'next' };
const errorsPage: Full<Page<ErrorView>> = { items: [error], nextCursor: 'next' };
const rejectsPage: Full<Page<RejectView>> = { items: [reject], nextCursor: 'next' };
const pipelineSummary: Full<PipelineSummary> = {
  club: 'club-a',
  pipeline: 'invoices',
  lastRun: run,
  lastRunSteps: [step],
  runs24h: 3,
  successRate24h: 0.5,
  unstableRate24h: 0.25,
  medianDurationMs: 1500.5,
  openErrors: 2,
  openErrorsRunId: 1,
  recent: [{ id: 1, status: 'failure', startedAt: 1000, durationMs: 1000, failed: 1 }],
  health: {
    state: 'late',
    since: 1000,
    reason: 'no run since 03:00',
    schedule: '0 3 * * *',
    scheduleText: 'At 03:00',
    scheduleSource: 'config',
    timezone: 'Europe/Berlin',
    nextDueAt: 5000,
    lastDueAt: 4000,
    urgency: 1,
  },
};
const logs: Full<LogsResponse> = {
  lines: [
    { id: 1, runId: 1, offset: 0, time: 1000, level: 30, event: 'step.start', step: 'fetch', msg: 'hi', data: json },
  ],
  hasOlder: true,
  hasNewer: false,
};
const errorGroups: Full<ErrorGroupsResponse> = {
  groups: [
    {
      fingerprint: 'abc123',
      title: 'Failed after <n> ms',
      sampleMessage: 'failed',
      system: 'erp',
      club: 'club-a',
      pipeline: 'invoices',
      count: 4,
      runsAffected: 2,
      identifiersAffected: 3,
      sampleIdentifiers: ['INV-1'],
      firstSeen: 1000,
      lastSeen: 2000,
      isNew: true,
      latestRunId: 1,
      acknowledged: { by: 'session 1a2b3c4d', at: 2500, through: 2000 },
    },
  ],
  recurringIdentifiers: [
    {
      club: 'club-a',
      pipeline: 'invoices',
      identifier: 'INV-1',
      consecutiveRuns: 3,
      lastMessage: 'failed',
      lastSeen: 2000,
    },
  ],
  since: 500,
};
const config: Full<ConfigView> = {
  publicUrl: 'https://runboard.example.org',
  file: '/etc/runboard.yaml',
  loadedAt: 1000,
  document: json,
  crontabs: [{ file: '/etc/crontab', entries: 2, problems: ['line 3: bad'] }],
  pipelines: [
    {
      club: 'club-a',
      pipeline: 'invoices',
      schedule: '0 3 * * *',
      scheduleText: 'At 03:00',
      scheduleSource: 'config',
      timezone: 'UTC',
      graceMs: 60000,
      maxDurationMs: 3600000,
      configPath: 'pipelines[0]',
      ignored: ['crontab /etc/crontab:3 (config wins)'],
    },
  ],
};
const health: Full<HealthView> = { status: 'ok', uptimeSeconds: 12.5 };
const ready: Full<ReadyView> = { ready: true, status: 'degraded', problems: 2 };
const problems: Full<IngestProblemsList> = {
  problems: [{ path: 'club-a/x.ndjson', kind: 'unreadable', detail: 'EACCES', since: 1000 }],
};
const session: Full<SessionView> = { authRequired: true, authenticated: false };
const apiError: Full<ApiError> = {
  error: 'Not Found',
  message: 'run 9 not found',
  statusCode: 404,
  code: 'RB_ERR_NOT_FOUND',
};
const comparison: Full<RunComparison> = {
  runId: 2,
  baseline: { kind: 'previous', runId: 1, runKey: 'run-1', status: 'success', startedAt: 1000, runIds: [1] },
  rangeRuns: 5,
  totals: figures,
  steps: [
    {
      name: 'fetch',
      presence: 'both',
      status: 'success',
      baselineStatus: 'failure',
      figures,
      outside: true,
    },
  ],
  added: ['load'],
  missing: ['old'],
  skipped: ['notify'],
  errors: { new: errorList, stillFailing: errorList, resolved: errorList },
  newFingerprints: [{ fingerprint: 'abc123', message: 'failed', system: 'erp', count: 2 }],
  outside: true,
};
const alertsPage: Full<Page<AlertView>> = {
  items: [
    {
      alertId: 'a1b2c3',
      kind: 'failed',
      club: 'club-a',
      pipeline: 'invoices',
      state: 'failing',
      previousState: 'ok',
      reason: 'exit code 1',
      summary: 'club-a/invoices failed: <b>exit code 1</b>',
      runId: 1,
      reminder: true,
      created: 3000,
      deliveries: [
        {
          channel: 'ops-hook',
          status: 'failing',
          attempts: 3,
          lastError: 'HTTP 502',
          deliveredAt: 3500,
          nextAttemptAt: 4000,
        },
      ],
    },
  ],
  nextCursor: 'next',
};
const testOutcome: Full<TestAlertOutcome> = { channel: 'ops-hook', ok: false, at: 3000, error: 'HTTP 502' };
const alertChannels: Full<AlertChannelsResponse> = {
  channels: [
    {
      name: 'ops-hook',
      type: 'webhook',
      target: 'https://hooks.example/********',
      lastDeliveredAt: 2000,
      lastError: 'HTTP 502',
      failingSince: 2500,
      pending: 2,
      givenUp: 1,
      lastTest: testOutcome,
    },
  ],
};
const healthHistoryPage: Full<Page<HealthHistoryEntry>> = {
  items: [
    {
      id: 1,
      club: 'club-a',
      pipeline: 'invoices',
      from: 'ok',
      to: 'late',
      since: 1000,
      reason: 'no run since 03:00',
      at: 1200,
    },
  ],
  nextCursor: 'next',
};
const scheduleHistory: Full<ScheduleHistoryView> = {
  club: 'club-a',
  pipeline: 'invoices',
  schedule: '0 3 * * *',
  scheduleText: 'At 03:00',
  scheduleSource: 'config',
  timezone: 'Europe/Berlin',
  graceMs: 60000,
  expectedSince: 500,
  starts: [{ dueAt: 1000, timing: 'late', runId: 1, startedAt: 1100, delayMs: 100 }],
};

/** Each route's answer type with the response schema that route serialises it by. */
const answers: Array<[string, TSchema, unknown]> = [
  ['GET /api/runs', pageOf(RunViewSchema), runsPage],
  ['GET /api/runs/:id', Ref(RunDetailSchema), runDetail],
  ['GET /api/runs/:id/logs', LogsResponseSchema, logs],
  ['GET /api/runs/:id/errors, GET /api/errors', pageOf(ErrorViewSchema), errorsPage],
  ['GET /api/runs/:id/compare', Ref(RunComparisonSchema), comparison],
  ['GET /api/pipelines item', Ref(PipelineSummarySchema), pipelineSummary],
  ['GET /api/errors/groups', ErrorGroupsResponseSchema, errorGroups],
  ['GET /api/rejects', pageOf(RejectViewSchema), rejectsPage],
  ['GET /api/config', ConfigViewSchema, config],
  ['GET /api/health', HealthViewSchema, health],
  ['GET /api/ready', Ref(ReadyViewSchema), ready],
  ['GET /api/ingest/problems', Ref(IngestProblemsListSchema), problems],
  ['GET /api/session', Ref(SessionViewSchema), session],
  ['GET /api/alerts', pageOf(AlertViewSchema), alertsPage],
  ['GET /api/alerts/channels', AlertChannelsResponseSchema, alertChannels],
  ['POST /api/alerts/test', Ref(TestAlertOutcomeSchema), testOutcome],
  ['GET /api/pipelines/:club/:pipeline/health-history', pageOf(HealthHistoryEntrySchema), healthHistoryPage],
  ['GET /api/pipelines/:club/:pipeline/schedule-history', Ref(ScheduleHistoryViewSchema), scheduleHistory],
  ['errors', Ref(ApiErrorSchema), apiError],
];

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  for (const schema of sharedSchemas) app.addSchema(schema);
  answers.forEach(([, schema, value], i) => {
    app.get(`/answer/${i}`, { schema: { response: { 200: schema } } }, () => value);
  });
  await app.ready();
});
afterAll(() => app.close());

describe('each response type through its serializer schema', () => {
  it.each(answers.map(([route], i) => [route, i]))('%s keeps every field of its type', async (_route, i) => {
    const res = await app.inject({ url: `/answer/${i}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(answers[i]?.[2]);
  });
});
