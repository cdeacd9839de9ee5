// Prometheus metrics for `GET /metrics`, on a registry of our own so several apps (tests) never share counters.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BatchStats } from '../shared/ingest-change.js';
import type { IngestProblemKind } from '../shared/api.js';
import { RUN_STATUSES, type RunStatus } from '../shared/events.js';

const PROBLEM_KINDS: readonly IngestProblemKind[] = ['unreadable', 'disk_full', 'outside_runs_dir', 'io_error'];

export type RunsByStatus = Partial<Record<RunStatus, number>>;

/** The live hub's instruments: narrowed so callers can't mislabel them. */
export interface LiveMetrics {
  /** Connected WebSocket clients. */
  readonly clients: { inc(): void; dec(): void; set(value: number): void };
  /** Messages (or log lines) dropped for a client under backpressure. */
  readonly dropped: { inc(amount?: number): void };
  /** Updates merged into a newer one before they were sent. */
  readonly coalesced: { inc(amount?: number): void };
}

export interface Metrics {
  readonly registry: Registry;
  /** Record one committed ingest batch (call from the daemon's onChange). */
  observeBatch(stats: BatchStats): void;
  readonly live: LiveMetrics;
  /** Where `runboard_runs{status}` reads its figures at scrape time (the app wires the database here). */
  setRunsByStatusSource(source: () => RunsByStatus): void;
  /** Where `runboard_ingest_problems{kind}` reads the current problems at scrape time. */
  setIngestProblemsSource(source: () => ReadonlyArray<{ kind: IngestProblemKind }>): void;
  /** The exposition text and its content type. */
  render(): Promise<{ body: string; contentType: string }>;
}

// Commit latency is milliseconds when healthy; the tail shows lock contention or a slow disk.
const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const linesTotal = new Counter({
    name: 'runboard_ingest_lines_total',
    help: 'Lines committed by ingest (accepted and rejected).',
    registers: [registry],
  });
  const bytesTotal = new Counter({
    name: 'runboard_ingest_bytes_total',
    help: 'Bytes of run files committed by ingest.',
    registers: [registry],
  });
  const rejectsTotal = new Counter({
    name: 'runboard_ingest_rejects_total',
    help: 'Lines rejected by ingest, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const notedTotal = new Counter({
    name: 'runboard_ingest_values_not_used_total',
    help: 'Values kept on an accepted line but not used (time outside the sane window, club/pipeline the path overrules, implausible duration), by field.',
    labelNames: ['field'],
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'runboard_ingest_batch_commit_seconds',
    help: 'Time spent committing one ingest batch transaction.',
    buckets: COMMIT_BUCKETS,
    registers: [registry],
  });
  const lagSeconds = new Gauge({
    name: 'runboard_ingest_lag_seconds',
    help: 'Commit time minus the newest line time of the last batch (how far ingest trails the writers).',
    registers: [registry],
  });

  let runsByStatus: () => RunsByStatus = () => ({});
  new Gauge({
    name: 'runboard_runs',
    help: 'Runs in the database, by status.',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const counts = runsByStatus();
      for (const status of RUN_STATUSES) this.set({ status }, counts[status] ?? 0);
    },
  });

  let ingestProblems: () => ReadonlyArray<{ kind: IngestProblemKind }> = () => [];
  new Gauge({
    name: 'runboard_ingest_problems',
    help: 'Current ingest problems (unreadable files or directories, full disk, ...), by kind: see /api/ingest/problems.',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const counts = new Map<IngestProblemKind, number>();
      for (const { kind } of ingestProblems()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
      for (const kind of PROBLEM_KINDS) this.set({ kind }, counts.get(kind) ?? 0);
    },
  });

  const liveClients = new Gauge({
    name: 'runboard_live_clients',
    help: 'Connected live WebSocket clients.',
    registers: [registry],
  });
  const liveDropped = new Counter({
    name: 'runboard_live_dropped_total',
    help: 'Live messages dropped for slow clients under backpressure.',
    registers: [registry],
  });
  const liveCoalesced = new Counter({
    name: 'runboard_live_coalesced_total',
    help: 'Live updates merged into a newer update before sending.',
    registers: [registry],
  });

  return {
    registry,
    observeBatch(stats) {
      linesTotal.inc(stats.lines);
      bytesTotal.inc(stats.bytes);
      for (const [reason, count] of Object.entries(stats.rejectsByReason)) {
        if (count) rejectsTotal.inc({ reason }, count);
      }
      for (const [field, count] of Object.entries(stats.notedByField ?? {})) {
        if (count) notedTotal.inc({ field }, count);
      }
      commitSeconds.observe(stats.commitMs / 1000);
      if (stats.lagMs !== null) lagSeconds.set(Math.max(0, stats.lagMs) / 1000);
    },
    live: {
      clients: {
        inc: () => liveClients.inc(),
        dec: () => liveClients.dec(),
        set: (value) => liveClients.set(value),
      },
      dropped: { inc: (amount = 1) => liveDropped.inc(amount) },
      coalesced: { inc: (amount = 1) => liveCoalesced.inc(amount) },
    },
    setRunsByStatusSource(source) {
      runsByStatus = source;
    },
    setIngestProblemsSource(source) {
      ingestProblems = source;
    },
    async render() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
