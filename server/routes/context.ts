// What route modules need from the app, passed explicitly rather than decorated onto Fastify.
import type { AlertChannelInfo, TestAlertOutcome } from '../../shared/alerts.js';
import type { ConfigView, IngestProblem } from '../../shared/api.js';
import type { PipelineHealthChange, ScheduleHistoryView } from '../../shared/health.js';
import type { Db } from '../../shared/db.js';
import type { TokenAuth } from '../auth.js';
import type { Metrics } from '../metrics.js';
import type { QueryRunner } from '../query-pool/pool.js';

export interface RouteContext {
  db: Db;
  /** Absolute runs directory: the only place a route may read a run file from. */
  runsDir: string;
  isReady: () => boolean;
  /** Current ingest problems (the daemon's registry; empty when there is no daemon). */
  ingestProblems: () => IngestProblem[];
  metrics: Metrics;
  auth: TokenAuth;
  /** Runs the REST queries off the main thread (server/query-pool). */
  queries: QueryRunner;
  /** Every judged pipeline's health (the app's health shell); empty when none runs. */
  pipelineHealth: () => PipelineHealthChange[];
  /** Expected against actual start times of a pipeline (the app's health shell); null for a pipeline it doesn't track. */
  scheduleHistory: (key: { club: string; pipeline: string }) => ScheduleHistoryView | null;
  /** The effective configuration for GET /api/config. */
  configView: () => ConfigView;
  /** The alert channels and the test send (the app's alert shell); no channels when none is configured. */
  alerts: AlertsSurface;
}

/** What the alert routes need from the app: server/ does not import alerts/ or app/, so these are passed in. */
export interface AlertsSurface {
  /** The configured channels as of now (a reload changes them), credentials masked. */
  channels: () => AlertChannelInfo[];
  /** Sends a test message through the named channel now; resolves with the outcome, never rejects. */
  sendTest: (channel: string) => Promise<TestAlertOutcome>;
}
