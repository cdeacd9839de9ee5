// What the live hub promises the code around it: its options, the sink it writes frames to, and the hub and
// connection handles it returns. Apart from live-hub.ts so the socket route and the process root read the contract
// without the hub's pacing and backpressure machinery.
import type { IngestChange } from '../shared/ingest-change.js';
import type { LiveClientMessage } from '../shared/api.js';
import type { PipelineHealthChange } from '../shared/health.js';
import type { LiveMetrics } from './metrics.js';

export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_TOO_SLOW = 4008;

export interface LiveSink {
  send(frame: string): void;
  /** Bytes accepted by send() and not yet handed to the kernel. */
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}

export interface LiveHubOptions {
  /** Changes kept for resume (default 10,000). */
  ringMaxChanges?: number;
  /** Log lines kept for resume across those changes (default 50,000). */
  ringMaxLines?: number;
  /** Send buffer bound per client (default 1 MiB). */
  highWaterBytes?: number;
  /** A client over the bound this long is closed with 4008 (default 30 s). */
  stallTimeoutMs?: number;
  /** Log lines per frame before a new frame starts at a change boundary (default 2,000). */
  maxLinesPerFrame?: number;
  /** Errors a congested client may have pending before it is told to refetch (default 1,000). */
  maxPendingErrors?: number;
  /** An idle client is sent an empty batch this often: its cursor stays resumable and the browser sees a heartbeat. */
  cursorTickMs?: number;
  /** How often congested clients are rechecked (default 25 ms). */
  recheckMs?: number;
  /**
   * Least time between two data frames to one client (default 10 ms). A change for a client that got nothing
   * for this long goes out on the next turn; a client fed a fast stream gets one coalesced frame per interval
   * instead of one per commit (at 1,000 commits/s, an overview client then costs ~100 writes/s, not 1,000).
   */
  minFrameIntervalMs?: number;
  metrics?: LiveMetrics;
  now?: () => number;
}

export interface LiveConnection {
  handle(message: LiveClientMessage): void;
  /** The socket closed: forget the client. */
  disconnect(): void;
}

export interface LiveHub {
  /** Cursor of the newest published change. */
  readonly cursor: number;
  /** Identifies this process's cursor sequence. */
  readonly epoch: string;
  readonly clientCount: number;
  publish(change: IngestChange): void;
  /** Pipelines whose health changed: pushed to overview subscribers like run changes (resumable, coalesced). */
  publishHealth(health: PipelineHealthChange[]): void;
  connect(sink: LiveSink): LiveConnection;
  /** Closes every client (shutdown) and stops the hub's timers. */
  close(code?: number, reason?: string): void;
}
