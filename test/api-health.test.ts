// /api/health (always open, always 200) and /api/ready (503 until the ingest daemon has caught up).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestDaemon, type IngestDaemon } from '../ingest/daemon.js';
import { testServer, type TestServer } from './helpers/seed-server.js';

let server: TestServer;
let daemon: IngestDaemon;

beforeAll(async () => {
  let readiness = (): boolean => false;
  server = await testServer({ isReady: () => readiness() });
  const dir = join(server.runsDir, 'c', 'p');
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 20; i++) {
    const lines = Array.from({ length: 500 }, (_, n) => JSON.stringify({ level: 30, time: Date.now(), msg: `l${n}` }));
    writeFileSync(join(dir, `run-${i}.ndjson`), `${lines.join('\n')}\n`);
  }
  daemon = createIngestDaemon({ runsDir: server.runsDir, db: server.db, logger: pino({ level: 'silent' }) });
  readiness = () => daemon.ready;
});
afterAll(async () => {
  await daemon.stop();
  await server.close();
});

describe('health and readiness', () => {
  it('/api/health is 200 before and after readiness', async () => {
    const res = await server.app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
    expect(res.json<{ uptimeSeconds: number }>().uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('/api/ready is 503 until catch-up is done, then 200', async () => {
    const before = await server.app.inject({ url: '/api/ready' });
    expect(before.statusCode).toBe(503);
    expect(before.json()).toEqual({ ready: false, status: 'starting', problems: 0 });
    await daemon.start();
    const after = await server.app.inject({ url: '/api/ready' });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({ ready: true, status: 'ok', problems: 0 });
    expect(server.db.$client.prepare('SELECT count(*) FROM run_logs').pluck().get()).toBe(20 * 500);
  });

  it('answers other methods on them with a JSON 404', async () => {
    const res = await server.app.inject({ url: '/api/health', method: 'DELETE' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404 });
  });
});
