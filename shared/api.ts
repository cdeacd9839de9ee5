// Shapes of the REST API and the live socket: written by server/, read by web/ and the tests.
// Types only, so the browser bundle can import them.
import type { Json, RunStatus, StepStatus } from './events.js';

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
  /** Share of finished runs in the last 24 h that succeeded, 0..1; null with none. */
  successRate24h: number | null;
  medianDurationMs: number | null;
  /** Errors of the last finished run (the ones still "open"). */
  openErrors: number;
  /** The last ~20 runs, oldest first. */
  recent: RunDot[];
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

export interface ErrorGroup {
  fingerprint: string;
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

export interface ApiError {
  error: string;
  message: string;
  statusCode: number;
}

// ---- Live socket (/api/live) ----

export type LiveTopic =
  /** Every run's state changes (optionally of one club). */
  | { kind: 'overview'; club?: string }
  /** One run: its state, steps, errors and log lines. */
  | { kind: 'run'; runId: number }
  /** New errors (for the error browser). */
  | { kind: 'errors'; club?: string };

/** Client → server. `since` is the last cursor the client saw, to resume without gaps or duplicates. */
export type LiveClientMessage = { type: 'subscribe'; topics: LiveTopic[]; since?: number };

/** Server → client. Every message but `hello` carries the cursor of the newest change it reflects. */
export type LiveServerMessage =
  | { type: 'hello'; cursor: number; resumed: boolean }
  | { type: 'runs'; cursor: number; runs: RunView[] }
  | { type: 'steps'; cursor: number; runId: number; steps: StepView[] }
  | { type: 'logs'; cursor: number; runId: number; lines: LogLineView[] }
  | { type: 'errors'; cursor: number; errors: ErrorView[] }
  /** Log lines dropped under backpressure: fetch them by REST (`after` = afterOffset). */
  | { type: 'skipped'; cursor: number; runId: number; count: number; afterOffset: number; beforeOffset: number }
  /** The client is too far behind to resume: refetch everything by REST, then subscribe again. */
  | { type: 'refetch'; cursor: number; reason: string };
