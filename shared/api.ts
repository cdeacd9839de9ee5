// Shapes of the REST API and the live socket: written by server/, read by web/ and the tests. The REST shapes are
// written once, as TypeBox schemas in shared/api-schemas.ts; this module re-exports their types only (and holds a
// few dependency-free values), so the browser bundle can import it without TypeBox.
import type { ErrorView, LogLineView, PipelineSummary, RunView, StepView } from './api-schemas.js';
import type { PipelineHealth, PipelineHealthChange } from './health.js';

export type {
  ApiError,
  ConfigPipelineView,
  ConfigView,
  CountsView,
  ErrorGroup,
  ErrorGroupAck,
  ErrorGroupsResponse,
  ErrorView,
  HealthView,
  IngestProblem,
  IngestProblemKind,
  IngestProblemsList,
  LogLineView,
  LogsResponse,
  Page,
  PipelineSummary,
  ReadyView,
  RecurringIdentifier,
  RejectView,
  RunDetail,
  RunDot,
  RunView,
  SessionView,
  StepView,
} from './api-schemas.js';

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

/** How GET /api/errors/groups orders groups: most recent, most errors, most runs, or newest first seen first. */
export const ERROR_GROUP_SORTS = ['lastSeen', 'count', 'runs', 'firstSeen'] as const;
export type ErrorGroupSort = (typeof ERROR_GROUP_SORTS)[number];

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
