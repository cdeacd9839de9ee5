// GET /api/pipelines: the overview's per-pipeline summary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, PipelineSummary, RunView } from '../shared/api.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';

let server: TestServer;
const get = (url: string) => server.app.inject({ url });

beforeAll(async () => {
  server = await testServer();
  for (const outcome of ['success', 'failure', 'success'] as const) {
    await recordRun(server.runsDir, { club: 'a', pipeline: 'p1' }, async (run) => {
      await run.step('sync', (step) => {
        step.count({ created: 1, failed: outcome === 'failure' ? 2 : 0 });
        if (outcome === 'failure') {
          step.error({ identifier: 'x', msg: 'bad x' });
          step.error({ identifier: 'y', msg: 'bad y' });
        }
      });
      return { outcome };
    });
  }
  await recordRun(server.runsDir, { club: 'a', pipeline: 'p1' }, async (run) => {
    await run.step('prepare', () => undefined);
    // A step left open: the run is mid-step, with progress.
    void run.step('sync', (step) => {
      step.progress(40, 100);
      return new Promise<void>(() => undefined);
    });
    return 'leave-running' as const;
  });
  await recordRun(server.runsDir, { club: 'a', pipeline: 'p2' }, () => ({ outcome: 'failure' }));
  await recordRun(server.runsDir, { club: 'b', pipeline: 'p3' }, () => undefined);
  await server.ingest();
});
afterAll(() => server.close());

describe('GET /api/pipelines', () => {
  it('summarises every pipeline, ordered by club and name', async () => {
    const res = await get('/api/pipelines');
    expect(res.statusCode).toBe(200);
    const list = res.json<PipelineSummary[]>();
    expect(list.map((p) => `${p.club}/${p.pipeline}`)).toEqual(['a/p1', 'a/p2', 'b/p3']);
  });

  it('gives the last run, running steps, 24 h figures, median duration and open errors', async () => {
    const p1 = (await get('/api/pipelines?club=a')).json<PipelineSummary[]>()[0] as PipelineSummary;
    const runs = (await get('/api/runs?club=a&pipeline=p1')).json<Page<RunView>>().items;
    expect(p1.lastRun).toEqual(runs[0]);
    expect(p1.lastRun?.status).toBe('running');
    expect(p1.lastRunSteps).toHaveLength(1);
    expect(p1.lastRunSteps[0]).toMatchObject({ name: 'sync', status: 'running', progress: { done: 40, total: 100 } });
    expect(p1.runs24h).toBe(4);
    expect(p1.successRate24h).toBeCloseTo(2 / 3);
    const durations = runs
      .slice(1)
      .map((r) => r.durationMs as number)
      .sort((a, b) => a - b);
    expect(p1.medianDurationMs).toBe(durations[1]);
    // The newest finished run succeeded: no open errors, though an older run failed with two.
    expect(p1.openErrors).toBe(0);
    expect(p1.recent.map((d) => d.id)).toEqual(runs.map((r) => r.id).reverse());
    expect(p1.recent.map((d) => d.status)).toEqual(['success', 'failure', 'success', 'running']);
    expect(p1.recent[1]).toMatchObject({ failed: 2 });
  });

  it('counts a failed last run with no successes', async () => {
    const p2 = (await get('/api/pipelines?club=a')).json<PipelineSummary[]>()[1] as PipelineSummary;
    expect(p2).toMatchObject({ pipeline: 'p2', runs24h: 1, successRate24h: 0, lastRunSteps: [] });
    expect(p2.lastRun?.status).toBe('failure');
  });

  it('filters by club, and an unknown club has none', async () => {
    expect((await get('/api/pipelines?club=b')).json<PipelineSummary[]>().map((p) => p.pipeline)).toEqual(['p3']);
    expect((await get('/api/pipelines?club=zzz')).json()).toEqual([]);
  });

  it('400s a bad club', async () => {
    const res = await get(`/api/pipelines?club=${'x'.repeat(201)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain('"club"');
  });
});
