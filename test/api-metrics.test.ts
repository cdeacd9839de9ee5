// GET /metrics: Prometheus text with ingest figures fed by the real daemon, runs by status from the database at
// scrape time, the live hub's instruments, and process metrics.
import { appendFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestDaemon } from '../ingest/daemon.js';
import { createMetrics, type Metrics } from '../server/metrics.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';

let server: TestServer;
let metrics: Metrics;
let linesWritten = 0;

async function scrape(): Promise<string> {
  const res = await server.app.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return res.body;
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no series ${series} in:\n${text.slice(0, 2000)}`);
  return Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  metrics = createMetrics();
  server = await testServer({ metrics });
  for (const outcome of ['success', 'success', 'failure'] as const) {
    const run = await recordRun(server.runsDir, { club: 'c', pipeline: 'p' }, (r) => {
      for (let i = 0; i < 10; i++) r.log.info({ i }, 'work');
      return { outcome };
    });
    if (outcome === 'failure') appendFileSync(run.file as string, 'not json\n[]\n');
  }
  await recordRun(server.runsDir, { club: 'c', pipeline: 'p' }, () => 'leave-running');
  // The daemon publishes each committed batch; the process entry feeds its stats to the metrics like this.
  const daemon = createIngestDaemon({ runsDir: server.runsDir, db: server.db, logger: pino({ level: 'silent' }) });
  daemon.onChange((change) => metrics.observeBatch(change.stats));
  await daemon.start();
  await daemon.stop();
  linesWritten = Number(server.db.$client.prepare('SELECT count(*) AS n FROM run_logs').pluck().get()) + 2;
});
afterAll(() => server.close());

describe('GET /metrics', () => {
  it('counts ingested lines and rejects by reason from committed batches', async () => {
    const text = await scrape();
    expect(sample(text, 'runboard_ingest_lines_total')).toBe(linesWritten);
    expect(sample(text, 'runboard_ingest_rejects_total{reason="invalid_json"}')).toBe(1);
    expect(sample(text, 'runboard_ingest_rejects_total{reason="not_object"}')).toBe(1);
    expect(sample(text, 'runboard_ingest_batch_commit_seconds_count')).toBeGreaterThan(0);
    expect(sample(text, 'runboard_ingest_bytes_total')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE runboard_ingest_batch_commit_seconds histogram');
    expect(text).toContain('# TYPE runboard_ingest_lag_seconds gauge');
  });

  it('reads runs by status from the database at scrape time', async () => {
    let text = await scrape();
    expect(sample(text, 'runboard_runs{status="success"}')).toBe(2);
    expect(sample(text, 'runboard_runs{status="failure"}')).toBe(1);
    expect(sample(text, 'runboard_runs{status="running"}')).toBe(1);
    expect(sample(text, 'runboard_runs{status="abandoned"}')).toBe(0);
    server.db.$client.prepare("UPDATE runs SET status = 'abandoned' WHERE status = 'running'").run();
    text = await scrape();
    expect(sample(text, 'runboard_runs{status="running"}')).toBe(0);
    expect(sample(text, 'runboard_runs{status="abandoned"}')).toBe(1);
  });

  it('exposes the live hub instruments', async () => {
    metrics.live.clients.inc();
    metrics.live.clients.inc();
    metrics.live.clients.dec();
    metrics.live.dropped.inc(7);
    metrics.live.coalesced.inc();
    const text = await scrape();
    expect(sample(text, 'runboard_live_clients')).toBe(1);
    expect(sample(text, 'runboard_live_dropped_total')).toBe(7);
    expect(sample(text, 'runboard_live_coalesced_total')).toBe(1);
  });

  it('observes lag and commit time of a batch', async () => {
    const own = createMetrics();
    own.observeBatch({ lines: 3, bytes: 300, rejectsByReason: { too_long: 2 }, commitMs: 4, lagMs: 1500 });
    const { body } = await own.render();
    expect(sample(body, 'runboard_ingest_lag_seconds')).toBe(1.5);
    expect(sample(body, 'runboard_ingest_batch_commit_seconds_bucket{le="0.005"}')).toBe(1);
    expect(sample(body, 'runboard_ingest_batch_commit_seconds_bucket{le="0.0025"}')).toBe(0);
    expect(sample(body, 'runboard_ingest_rejects_total{reason="too_long"}')).toBe(2);
  });

  it('includes process metrics', async () => {
    const text = await scrape();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('keeps registries apart: two apps never share counters', async () => {
    const other = createMetrics();
    expect(sample((await other.render()).body, 'runboard_live_dropped_total')).toBe(0);
  });
});
