// The REST API's shapes, each written once as a TypeBox schema with its TypeScript type derived from it: the server
// registers the schemas (they drive serialisation, which drops whatever a schema does not name, and the OpenAPI
// document), and everyone else imports the types through shared/api.ts. The browser must only `import type` from
// here: a value import would put TypeBox in the web bundle.
// Over 350 lines on purpose: it is the list of the API's shapes, declarations only, one after another.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AnyJson, Nullable, Ref, StringEnum } from './api-schema-kit.js';
import { RUN_STATUSES, STEP_STATUSES } from './events.js';
import type { HealthState } from './health.js';

export const ApiErrorSchema = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    statusCode: Type.Integer(),
    /** Stable and machine-readable (`RB_ERR_NOT_FOUND`, `RB_ERR_INVALID_CURSOR`...): server/routes/http-errors.ts. */
    code: Type.String(),
  },
  { $id: 'ApiError' },
);
export type ApiError = Static<typeof ApiErrorSchema>;

export const CountsViewSchema = Type.Object(
  { created: Type.Integer(), updated: Type.Integer(), skipped: Type.Integer(), failed: Type.Integer() },
  { $id: 'CountsView' },
);
export type CountsView = Static<typeof CountsViewSchema>;

const runViewProperties = {
  id: Type.Integer(),
  /** The pipeline's own run id (file name or `run` field). */
  runKey: Type.String(),
  club: Type.String(),
  pipeline: Type.String(),
  trigger: Nullable(Type.String()),
  status: StringEnum(RUN_STATUSES),
  startedAt: Nullable(Type.Integer()),
  finishedAt: Nullable(Type.Integer()),
  durationMs: Nullable(Type.Integer()),
  counts: Ref(CountsViewSchema),
  errorCount: Type.Integer(),
  logCount: Type.Integer(),
  host: Nullable(Type.String()),
  pid: Nullable(Type.Integer()),
  exitCode: Nullable(Type.Integer()),
  endReason: Nullable(Type.String()),
  /** run.end `stats`. */
  summary: AnyJson,
  lastEventAt: Nullable(Type.Integer()),
};

export const RunViewSchema = Type.Object(runViewProperties, { $id: 'RunView' });
export type RunView = Static<typeof RunViewSchema>;

export const StepViewSchema = Type.Object(
  {
    name: Type.String(),
    seq: Type.Integer(),
    status: StringEnum(STEP_STATUSES),
    startedAt: Nullable(Type.Integer()),
    finishedAt: Nullable(Type.Integer()),
    durationMs: Nullable(Type.Integer()),
    counts: Ref(CountsViewSchema),
    progress: Nullable(Type.Object({ done: Type.Number(), total: Nullable(Type.Number()) })),
    stats: AnyJson,
  },
  { $id: 'StepView' },
);
export type StepView = Static<typeof StepViewSchema>;

export const RunDetailSchema = Type.Object(
  { ...runViewProperties, steps: Type.Array(Ref(StepViewSchema)) },
  { $id: 'RunDetail' },
);
export type RunDetail = Static<typeof RunDetailSchema>;

/** A run as a dot in a pipeline's recent-history strip. */
export const RunDotSchema = Type.Object(
  {
    id: Type.Integer(),
    status: StringEnum(RUN_STATUSES),
    startedAt: Nullable(Type.Integer()),
    durationMs: Nullable(Type.Integer()),
    failed: Type.Integer(),
  },
  { $id: 'RunDot' },
);
export type RunDot = Static<typeof RunDotSchema>;

const pipelineHealthViewProperties = {
  // The states' order lives in health/states.ts, which shared/ must not import: the schema says string.
  state: Type.Unsafe<HealthState>({ type: 'string' }),
  since: Type.Integer(),
  reason: Type.String(),
  /** The expression as its source wrote it; null without a schedule. */
  schedule: Nullable(Type.String()),
  /** The schedule in words ("At 03:00"); null without a schedule. */
  scheduleText: Nullable(Type.String()),
  /** `config`, a crontab's `file:line`, or `run`; null without a schedule. */
  scheduleSource: Nullable(Type.String()),
  timezone: Nullable(Type.String()),
  nextDueAt: Nullable(Type.Integer()),
  lastDueAt: Nullable(Type.Integer()),
};

/** The health verdict with its schedule, in words and with its source. */
export const PipelineHealthViewSchema = Type.Object(pipelineHealthViewProperties);
export type PipelineHealthView = Static<typeof PipelineHealthViewSchema>;

/** `GET /api/pipelines` items' `health`, and what the live `overview` topic pushes. */
export const PipelineHealthSchema = Type.Object(
  {
    ...pipelineHealthViewProperties,
    /** 0 for the most urgent state: the overview sorts by it (the browser has no copy of the order). */
    urgency: Type.Integer(),
  },
  {
    description:
      "The pipeline's health: `state` (missed, late, stuck, failing, overlap, too-short, unstable, running, ok; " +
      '`urgency` 0 is the most urgent) since `since`, why, and its schedule with its source (`config`, a ' +
      "crontab's `file:line`, or `run`) and the due times around now.",
  },
);
export type PipelineHealth = Static<typeof PipelineHealthSchema>;

export const PipelineSummarySchema = Type.Object(
  {
    club: Type.String(),
    pipeline: Type.String(),
    // Not anyOf [RunView, null]: fast-json-stringify validates each anyOf branch per object, which made this
    // route's serialisation several times slower; a nullable object with the same properties is equivalent.
    lastRun: Nullable(Type.Object(runViewProperties)),
    /** Progress of the running step(s) of the last run, when it is running. */
    lastRunSteps: Type.Array(Ref(StepViewSchema)),
    runs24h: Type.Integer(),
    /** Share of finished runs in the last 24 h that succeeded (with or without failed records), 0..1; null with none. */
    successRate24h: Nullable(Type.Number()),
    /** Share of finished runs in the last 24 h that succeeded but counted failed records ("unstable"), 0..1. */
    unstableRate24h: Nullable(Type.Number()),
    medianDurationMs: Nullable(Type.Number()),
    /** Errors of the last finished run (the ones still "open"). */
    openErrors: Type.Integer(),
    /** That run, whose errors `openErrors` counts (the overview's link to exactly them); null before any finished. */
    openErrorsRunId: Nullable(Type.Integer()),
    /** The last ~20 runs, oldest first. */
    recent: Type.Array(Ref(RunDotSchema)),
    /** Its health and schedule; null when runboard judges no health (no health monitor running). */
    health: Nullable(PipelineHealthSchema),
  },
  { $id: 'PipelineSummary' },
);
export type PipelineSummary = Static<typeof PipelineSummarySchema>;

/** One pipeline's schedule as GET /api/config shows it: the policy runboard judges it by, and where it came from. */
export const ConfigPipelineViewSchema = Type.Object({
  club: Type.String(),
  pipeline: Type.String(),
  schedule: Nullable(Type.String()),
  scheduleText: Nullable(Type.String()),
  /** `config`, a crontab's `file:line`, or `run`; null without a schedule. */
  scheduleSource: Nullable(Type.String()),
  timezone: Nullable(Type.String()),
  graceMs: Type.Integer(),
  maxDurationMs: Nullable(Type.Integer()),
  /** The config entry that applied (`pipelines[2]`), if any. */
  configPath: Nullable(Type.String()),
  /** Sources that named a schedule but lost or could not be used, each with why. */
  ignored: Type.Array(Type.String()),
});
export type ConfigPipelineView = Static<typeof ConfigPipelineViewSchema>;

/** GET /api/config: the effective configuration, credentials masked. */
export const ConfigViewSchema = Type.Object({
  /** The URL absolute links use (`--public-url`, else the file's `publicUrl`), without a trailing slash; null: none. */
  publicUrl: Nullable(Type.String()),
  /** The config file, or null when runboard started without one. */
  file: Nullable(Type.String()),
  /** When it was (re)loaded. */
  loadedAt: Nullable(Type.Integer()),
  /** The file as loaded, with `${VAR}` values shown as written and secret-named values as `********`. */
  document: AnyJson,
  crontabs: Type.Array(
    Type.Object({ file: Type.String(), entries: Type.Integer(), problems: Type.Array(Type.String()) }),
  ),
  pipelines: Type.Array(ConfigPipelineViewSchema),
});
export type ConfigView = Static<typeof ConfigViewSchema>;

export const LogLineViewSchema = Type.Object(
  {
    id: Type.Integer(),
    runId: Type.Integer(),
    /** Byte offset in the run's file: the line's position, used by `after`/`before` paging. */
    offset: Type.Integer(),
    time: Type.Integer(),
    level: Type.Integer(),
    event: Nullable(Type.String()),
    step: Nullable(Type.String()),
    msg: Nullable(Type.String()),
    data: AnyJson,
  },
  { $id: 'LogLineView' },
);
export type LogLineView = Static<typeof LogLineViewSchema>;

export const LogsResponseSchema = Type.Object({
  lines: Type.Array(Ref(LogLineViewSchema)),
  /** True when older lines exist before the first returned one. */
  hasOlder: Type.Boolean(),
  /** True when newer lines exist after the last returned one. */
  hasNewer: Type.Boolean(),
});
export type LogsResponse = Static<typeof LogsResponseSchema>;

export const ErrorViewSchema = Type.Object(
  {
    id: Type.Integer(),
    runId: Type.Integer(),
    offset: Type.Integer(),
    club: Type.String(),
    pipeline: Type.String(),
    step: Nullable(Type.String()),
    identifier: Nullable(Type.String()),
    system: Nullable(Type.String()),
    message: Type.String(),
    stack: Nullable(Type.String()),
    fingerprint: Type.String(),
    time: Type.Integer(),
  },
  { $id: 'ErrorView' },
);
export type ErrorView = Static<typeof ErrorViewSchema>;

/** Someone said they have seen a group; it holds until an occurrence newer than `through` arrives. */
export const ErrorGroupAckSchema = Type.Object({
  /** Who: the session that acknowledged it (sessions hold no user name; see server/auth.ts `actorOf`). */
  by: Type.String(),
  /** When (ms, the server's clock). */
  at: Type.Integer(),
  /** The group's last occurrence (its time) that the acknowledgement covers. */
  through: Type.Integer(),
});
export type ErrorGroupAck = Static<typeof ErrorGroupAckSchema>;

export const ErrorGroupSchema = Type.Object(
  {
    fingerprint: Type.String(),
    /** The message with what the group varies on as placeholders (`<n>`, `<uuid>`, ...): the fingerprint's text. */
    title: Type.String(),
    /** One real message of the group (its latest). */
    sampleMessage: Type.String(),
    system: Nullable(Type.String()),
    club: Type.String(),
    pipeline: Type.String(),
    count: Type.Integer(),
    runsAffected: Type.Integer(),
    identifiersAffected: Type.Integer(),
    /** A few of the identifiers, for display. */
    sampleIdentifiers: Type.Array(Type.String()),
    firstSeen: Type.Integer(),
    lastSeen: Type.Integer(),
    /** First seen in the pipeline's latest run (otherwise recurring). */
    isNew: Type.Boolean(),
    latestRunId: Type.Integer(),
    /** Acknowledged and not seen again since; null otherwise. */
    acknowledged: Nullable(ErrorGroupAckSchema),
  },
  { $id: 'ErrorGroup' },
);
export type ErrorGroup = Static<typeof ErrorGroupSchema>;

/** A record failing in several consecutive runs of the same pipeline. */
export const RecurringIdentifierSchema = Type.Object(
  {
    club: Type.String(),
    pipeline: Type.String(),
    identifier: Type.String(),
    consecutiveRuns: Type.Integer(),
    lastMessage: Type.String(),
    lastSeen: Type.Integer(),
  },
  { $id: 'RecurringIdentifier' },
);
export type RecurringIdentifier = Static<typeof RecurringIdentifierSchema>;

export const ErrorGroupsResponseSchema = Type.Object({
  groups: Type.Array(Ref(ErrorGroupSchema)),
  recurringIdentifiers: Type.Array(Ref(RecurringIdentifierSchema)),
  /** Start of the window the groups were counted over (ms): the `since` asked for, or the default. */
  since: Type.Integer(),
});
export type ErrorGroupsResponse = Static<typeof ErrorGroupsResponseSchema>;

export const RejectViewSchema = Type.Object(
  {
    id: Type.Integer(),
    file: Type.String(),
    offset: Type.Integer(),
    reason: Type.String(),
    detail: Nullable(Type.String()),
    excerpt: Nullable(Type.String()),
    lineBytes: Nullable(Type.Integer()),
    at: Type.Integer(),
  },
  { $id: 'RejectView' },
);
export type RejectView = Static<typeof RejectViewSchema>;

/** A keyset page of `item`s: pass `nextCursor` back as `cursor` for the next page. */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(Ref(item)),
    nextCursor: Nullable(Type.String({ description: 'Pass back as `cursor` for the next page; null on the last.' })),
  });
}
/** Keyset-paginated list: pass `nextCursor` back as `cursor` for the next page. */
export type Page<T> = Omit<Static<ReturnType<typeof PageOf<TSchema>>>, 'items'> & { items: T[] };

/** GET /api/health. */
export const HealthViewSchema = Type.Object({ status: StringEnum(['ok']), uptimeSeconds: Type.Number() });
export type HealthView = Static<typeof HealthViewSchema>;

/** GET /api/ready (200 when ready, 503 before). */
export const ReadyViewSchema = Type.Object(
  {
    ready: Type.Boolean(),
    /**
     * `degraded` while ingest has problems (see GET /api/ingest/problems): still 200, since the API serves and the
     * problems are for an operator to fix, not a reason for a load balancer to take the dashboard away.
     */
    status: Type.Optional(StringEnum(['ok', 'degraded', 'starting'])),
    /** How many ingest problems there are now. */
    problems: Type.Optional(Type.Integer({ description: 'Current ingest problems (GET /api/ingest/problems)' })),
  },
  { $id: 'ReadyView' },
);
export type ReadyView = Static<typeof ReadyViewSchema>;

export const INGEST_PROBLEM_KINDS = ['unreadable', 'disk_full', 'outside_runs_dir', 'io_error'] as const;
export type IngestProblemKind = (typeof INGEST_PROBLEM_KINDS)[number];

/** GET /api/ingest/problems: a condition keeping ingest from reading something, for as long as it lasts. */
export const IngestProblemSchema = Type.Object({
  /** Run file or directory relative to the runs directory, or the database file for `disk_full`. */
  path: Type.String(),
  kind: StringEnum(INGEST_PROBLEM_KINDS),
  detail: Type.String(),
  /** ms since epoch: when it was first seen (this process). */
  since: Type.Integer(),
});
export type IngestProblem = Static<typeof IngestProblemSchema>;

export const IngestProblemsListSchema = Type.Object(
  { problems: Type.Array(IngestProblemSchema) },
  { $id: 'IngestProblemsList' },
);
export type IngestProblemsList = Static<typeof IngestProblemsListSchema>;

/** GET /api/session, POST /api/login, POST /api/logout: whether the UI must ask for a token. */
export const SessionViewSchema = Type.Object(
  {
    authRequired: Type.Boolean(),
    /** This client presents a valid token or session cookie (always true when no token is required). */
    authenticated: Type.Boolean(),
  },
  { $id: 'SessionView' },
);
export type SessionView = Static<typeof SessionViewSchema>;
