// GET /api/pipelines' 24 h success rate counts only runs with a recorded outcome: runs that ended without one (plain
// pino files whose writer exited with no run.end) neither help nor hurt it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, PipelineSummary, RunView } from '../shared/api.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';
import { spawnFixture } from './fixtures/ingest-spawn.js';

let server: TestServer;

beforeAll(async () => {
  server = await testServer();
  for (const run of ['plain-1', 'plain-2']) {
    // A real process writes the file and exits: at ingest its pid is gone, so the run is judged at once.
    const writer = spawnFixture('plain-pino-child.ts', [join(server.runsDir, 'a', 'sync', `${run}.ndjson`), 'clean']);
    expect(await writer.exited).toEqual({ code: 0, signal: null });
  }
  for (let i = 0; i < 2; i++) await recordRun(server.runsDir, { club: 'a', pipeline: 'sync' }, () => undefined);
  await server.ingest();
}, 60_000);
afterAll(() => server.close());

describe('success rate with ended runs', () => {
  it('two successes and two ended runs: 100%, with all four counted as runs', async () => {
    const runs = (await server.app.inject({ url: '/api/runs?club=a&pipeline=sync' })).json<Page<RunView>>().items;
    expect(runs.map((r) => r.status).sort()).toEqual(['ended', 'ended', 'success', 'success']);
    const [summary] = (await server.app.inject({ url: '/api/pipelines?club=a' })).json<PipelineSummary[]>();
    expect(summary).toMatchObject({ pipeline: 'sync', runs24h: 4, successRate24h: 1, unstableRate24h: 0 });
  });
});
