// Shapes of the REST API and the live socket: written by server/, read by web/ and the tests.
// Types only, so the browser bundle can import them.
import type { Json, RunStatus, StepStatus } from './events.js';
import type { PipelineHealth, PipelineHealthChange } from './health.js';

export interface CountsView {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

export interface RunView {
  id: number;
  /** The pipeline's own run id (file name or `run` field). */
  runKey: string;
  club: string;
  pipeline: string;
  trigger: string | null;
  status: RunStatus;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  counts: CountsView;
  errorCount: number;
  logCount: number;
  host: string | null;
  pid: number | null;
  exitCode: number | null;
  endReason: string | null;
  /** run.end `stats`. */
  summary: Json | null;
  lastEventAt: number | null;
}

export interface StepView {
  name: string;
  seq: number;
  status: StepStatus;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  counts: CountsView;
  progress: { done: number; total: number | null } | null;
  stats: Json | null;
}

export interface RunDetail extends RunView {
  steps: StepView[];
}

/** A run as a dot in a pipeline's recent-history strip. */
export interface RunDot {
  id: number;
  status: RunStatus;
  startedAt: number | null;
  durationMs: number | null;
  failed: number;
}

export interface PipelineSummary {
  club: string;
  pipeline: string;
  lastRun: RunView | null;
  /** Progress of the running step(s) of the last run, when it is running. */
  lastRunSteps: StepView[];
  runs24h: number;
  /** Share of finished runs in the last 24 h that succeeded (with or without failed records), 0..1; null with none. */
  successRate24h: number | null;
  /** Share of finished runs in the last 24 h that succeeded but counted failed records ("unstable"), 0..1. */
  unstableRate24h: number | null;
  medianDurationMs: number | null;
  /** Errors of the last finished run (the ones still "open"). */
  openErrors: number;
  /** That run, whose errors `openErrors` counts (the overview's link to exactly them); null before any finished. */
  openErrorsRunId: number | null;
  /** The last ~20 runs, oldest first. */
  recent: RunDot[];
  /** Its health and schedule; null when runboard judges no health (no health monitor running). */
  health: PipelineHealth | null;
}

/** A pipeline with no run recorded yet (a schedule names it, or its first run is only just arriving). */
export function emptyPipelineSummary(club: string, pipeline: string, health: PipelineHealth | null): PipelineSummary {
  return {
    club,
    pipeline,
    lastRun: null,
    lastRunSteps: [],
    runs24h: 0,
    successRate24h: null,
    unstableRate24h: null,
    medianDurationMs: null,
    openErrors: 0,
    openErrorsRunId: null,
    recent: [],
    health,
  };
}

/** One pipeline's schedule as GET /api/config shows it: the policy runboard judges it by, and where it came from. */
export interface ConfigPipelineView {
  club: string;
  pipeline: string;
  schedule: string | null;
  scheduleText: string | null;
  /** `config`, a crontab's `file:line`, or `run`; null without a schedule. */
  scheduleSource: string | null;
  timezone: string | null;
  graceMs: number;
  maxDurationMs: number | null;
  /** The config entry that applied (`pipelines[2]`), if any. */
  configPath: string | null;
  /** Sources that named a schedule but lost or could not be used, each with why. */
  ignored: string[];
}

/** GET /api/config: the effective configuration, credentials masked. */
export interface ConfigView {
  /** The URL absolute links use (`--public-url`, else the file's `publicUrl`), without a trailing slash; null: none. */
  publicUrl: string | null;
  /** The config file, or null when runboard started without one. */
  file: string | null;
  /** When it was (re)loaded. */
  loadedAt: number | null;
  /** The file as loaded, with `${VAR}` values shown as written and secret-named values as `********`. */
  document: Json;
  crontabs: Array<{ file: string; entries: number; problems: string[] }>;
  pipelines: ConfigPipelineView[];
}

export interface LogLineView {
  id: number;
  runId: number;
  /** Byte offset in the run's file: the line's position, used by `after`/`before` paging. */
  offset: number;
  time: number;
  level: number;
  event: string | null;
  step: string | null;
  msg: string | null;
  data: Json | null;
}

export interface ErrorView {
  id: number;
  runId: number;
  offset: number;
  club: string;
  pipeline: string;
  step: string | null;
  identifier: string | null;
  system: string | null;
  message: string;
  stack: string | null;
  fingerprint: string;
  time: number;
}

/** How GET /api/errors/groups orders groups: most recent, most errors, most runs, or newest first seen first. */
export const ERROR_GROUP_SORTS = ['lastSeen', 'count', 'runs', 'firstSeen'] as const;
export type ErrorGroupSort = (typeof ERROR_GROUP_SORTS)[number];

/** Someone said they have seen a group; it holds until an occurrence newer than `through` arrives. */
export interface ErrorGroupAck {
  /** Who: the session that acknowledged it (sessions hold no user name; see server/auth.ts `actorOf`). */
  by: string;
  /** When (ms, the server's clock). */
  at: number;
  /** The group's last occurrence (its time) that the acknowledgement covers. */
  through: number;
}

export interface ErrorGroup {
  fingerprint: string;
  /** The message with what the group varies on as placeholders (`<n>`, `<uuid>`, ...): the fingerprint's text. */
  title: string;
  /** One real message of the group (its latest). */
  sampleMessage: string;
  system: string | null;
  club: string;
  pipeline: string;
  count: number;
  runsAffected: number;
  identifiersAffected: number;
  /** A few of the identifiers, for display. */
  sampleIdentifiers: string[];
  firstSeen: number;
  lastSeen: number;
  /** First seen in the pipeline's latest run (otherwise recurring). */
  isNew: boolean;
  latestRunId: number;
  /** Acknowledged and not seen again since; null otherwise. */
  acknowledged: ErrorGroupAck | null;
}

/** A record failing in several consecutive runs of the same pipeline. */
export interface RecurringIdentifier {
  club: string;
  pipeline: string;
  identifier: string;
  consecutiveRuns: number;
  lastMessage: string;
  lastSeen: number;
}

export interface ErrorGroupsResponse {
  groups: ErrorGroup[];
  recurringIdentifiers: RecurringIdentifier[];
  /** Start of the window the groups were counted over (ms): the `since` asked for, or the default. */
  since: number;
}

export interface RejectView {
  id: number;
  file: string;
  offset: number;
  reason: string;
  detail: string | null;
  excerpt: string | null;
  lineBytes: number | null;
  at: number;
}

/** Keyset-paginated list: pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface LogsResponse {
  lines: LogLineView[];
  /** True when older lines exist before the first returned one. */
  hasOlder: boolean;
  /** True when newer lines exist after the last returned one. */
  hasNewer: boolean;
}

/** GET /api/health. */
export interface HealthView {
  status: 'ok';
  uptimeSeconds: number;
}

/** GET /api/ready (200 when ready, 503 before). */
export interface ReadyView {
  ready: boolean;
  /**
   * `degraded` while ingest has problems (see GET /api/ingest/problems): still 200, since the API serves and the
   * problems are for an operator to fix, not a reason for a load balancer to take the dashboard away.
   */
  status?: 'ok' | 'degraded' | 'starting';
  /** How many ingest problems there are now. */
  problems?: number;
}

export type IngestProblemKind = 'unreadable' | 'disk_full' | 'outside_runs_dir' | 'io_error';

/** GET /api/ingest/problems: a condition keeping ingest from reading something, for as long as it lasts. */
export interface IngestProblem {
  /** Run file or directory relative to the runs directory, or the database file for `disk_full`. */
  path: string;
  kind: IngestProblemKind;
  detail: string;
  /** ms since epoch: when it was first seen (this process). */
  since: number;
}

export interface IngestProblemsList {
  problems: IngestProblem[];
}

/** GET /api/session, POST /api/login, POST /api/logout: whether the UI must ask for a token. */
export interface SessionView {
  authRequired: boolean;
  /** This client presents a valid token or session cookie (always true when no token is required). */
  authenticated: boolean;
}

export interface ApiError {
  error: string;
  message: string;
  statusCode: number;
  /** Stable and machine-readable (`RB_ERR_NOT_FOUND`, `RB_ERR_INVALID_CURSOR`...): server/routes/http-errors.ts. */
  code: string;
}

// ---- Live socket (/api/live) ----
//
// Protocol as built by server/live-hub.ts (changes from the first draft, kept name-compatible:
// data messages now always arrive wrapped in one `batch` frame per flush; `hello` carries an `epoch`;
// `error` was added; `refetch` keeps the subscription live; `removed` was added to the data messages).
//
// 1. Connect (same auth as the REST API: Bearer header or the login cookie).
// 2. Send `subscribe` with your topics. Without `since` the server answers `hello` with the current
//    cursor: fetch the REST state after that, then apply batches (lines newer than the cursor may be in
//    both: drop repeats by (runId, offset) / error id). With `since` (+ `epoch`) from a previous connection the
//    server answers `hello { resumed: true }` and then exactly the batches you missed, or `refetch`.
// 3. Every data frame is one `batch`: everything in it is applied together, and its `cursor` is the
//    only cursor to remember for resuming. A connection cut mid-stream therefore never leaves a half-applied
//    flush: resuming from the last batch cursor gives no gap and no duplicate.
// 4. `subscribe` again at any time to replace the topics (same rules).
//
// Close codes: 1001 server shutting down; 1009 client message too big (> 64 KiB);
// 4008 client too slow (its send buffer stayed over the bound for too long; reconnect and resume);
// a dead connection (no pong to the heartbeat ping) is terminated (the client sees 1006).

export type LiveTopic =
  /** Every run's state and its steps' state/progress (optionally of one club). */
  | { kind: 'overview'; club?: string }
  /** One run: its state, steps, errors and log lines. */
  | { kind: 'run'; runId: number }
  /** New errors (for the error browser). */
  | { kind: 'errors'; club?: string };

/**
 * Client → server. `subscribe` replaces the connection's topics. `since` is the cursor of the last `batch`
 * (or `hello`/`refetch`) the client saw and `epoch` the `hello.epoch` it came from, to resume without gaps or
 * duplicates (a cursor from another server process gives `refetch`).
 */
export type LiveClientMessage = { type: 'subscribe'; topics: LiveTopic[]; since?: number; epoch?: string };

/** Pieces of a `batch`. Their `cursor` equals the batch's. */
export type LiveDataMessage =
  /** Latest state of runs that changed (latest wins). */
  | { type: 'runs'; cursor: number; runs: RunView[] }
  /** Latest state of a run's steps that changed. */
  | { type: 'steps'; cursor: number; runId: number; steps: StepView[] }
  /** New errors (of a subscribed run, or for an `errors` topic). */
  | { type: 'errors'; cursor: number; errors: ErrorView[] }
  /**
   * Log lines of `runId` dropped under backpressure: exactly the lines with afterOffset < offset < beforeOffset
   * (REST `after=afterOffset&before=beforeOffset`; afterOffset is -1 when the gap starts at the file's first line:
   * send no `after` then). Comes before any `logs` of the same run in the batch.
   */
  | { type: 'skipped'; cursor: number; runId: number; count: number; afterOffset: number; beforeOffset: number }
  /** New log lines of a subscribed run, in file order. */
  | { type: 'logs'; cursor: number; runId: number; lines: LogLineView[] }
  /**
   * Runs deleted (retention, or a file that started over and was ingested again as a new run): drop them.
   * Sent to overview and errors subscribers and to subscribers of those runs; always last in its batch.
   */
  | { type: 'removed'; cursor: number; runIds: number[] }
  /** Pipelines whose health (state, reason, due times) changed: latest wins. Sent to overview subscribers. */
  | { type: 'health'; cursor: number; items: PipelineHealthChange[] };

/** Server → client, one per WebSocket frame. */
export type LiveServerMessage =
  /**
   * Answer to `subscribe`. `cursor`: the position the subscription starts after (== `since` when resumed).
   * `epoch` identifies this server process; send it back with `since`.
   */
  | { type: 'hello'; cursor: number; resumed: boolean; epoch: string }
  /** Everything that changed for this client's topics up to `cursor`, coalesced. */
  | { type: 'batch'; cursor: number; messages: LiveDataMessage[] }
  /**
   * The client cannot resume (too far behind, unknown cursor, other epoch, or its backlog overflowed): refetch
   * by REST. The subscription stays live from `cursor`; no need to subscribe again.
   */
  | { type: 'refetch'; cursor: number; reason: string; epoch: string }
  /** A client message was not understood; the connection stays open. */
  | { type: 'error'; message: string };
