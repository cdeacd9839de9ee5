// /api/runs and /api/runs/:id against runs written by the real run logger and ingested.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, RunDetail, RunView } from '../shared/api.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';

let server: TestServer;
const get = (url: string) => server.app.inject({ url });

beforeAll(async () => {
  server = await testServer();
  // 7 runs of club-a/people (the 6th fails, the last still running), 3 of club-b/invoices.
  for (let i = 0; i < 7; i++) {
    await recordRun(server.runsDir, { club: 'club-a', pipeline: 'people', trigger: 'cron' }, async (run) => {
      await run.step('download', (step) => {
        step.progress(5, 10);
        step.count({ created: i, updated: 2 });
      });
      if (i === 6) return 'leave-running';
      return { outcome: i === 5 ? 'failure' : 'success' };
    });
  }
  for (let i = 0; i < 3; i++) {
    await recordRun(server.runsDir, { club: 'club-b', pipeline: 'invoices' }, (run) => {
      run.log.info('nothing to do');
    });
  }
  await server.ingest();
});
afterAll(() => server.close());

describe('GET /api/runs', () => {
  it('lists every run newest first', async () => {
    const res = await get('/api/runs');
    expect(res.statusCode).toBe(200);
    const page = res.json<Page<RunView>>();
    expect(page.items).toHaveLength(10);
    expect(page.nextCursor).toBeNull();
    const starts = page.items.map((r) => r.startedAt ?? 0);
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    expect(page.items[0]?.pipeline).toBe('invoices');
  });

  it('pages with the cursor without gaps or repeats, whatever the limit', async () => {
    const all = (await get('/api/runs')).json<Page<RunView>>().items.map((r) => r.id);
    for (const limit of [1, 3, 4, 9, 10]) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(`/api/runs?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const page = res.json<Page<RunView>>();
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual(all);
    }
  });

  it('filters by club, pipeline and status', async () => {
    const a = (await get('/api/runs?club=club-a')).json<Page<RunView>>();
    expect(a.items).toHaveLength(7);
    expect(a.items.every((r) => r.club === 'club-a')).toBe(true);
    const inv = (await get('/api/runs?pipeline=invoices')).json<Page<RunView>>();
    expect(inv.items.map((r) => r.pipeline)).toEqual(['invoices', 'invoices', 'invoices']);
    const running = (await get('/api/runs?status=running')).json<Page<RunView>>();
    expect(running.items).toHaveLength(1);
    expect(running.items[0]).toMatchObject({ club: 'club-a', pipeline: 'people', status: 'running' });
    const failed = (await get('/api/runs?club=club-a&pipeline=people&status=failure')).json<Page<RunView>>();
    expect(failed.items).toHaveLength(1);
    expect(failed.items[0]?.counts.created).toBe(5);
    const none = (await get('/api/runs?club=nobody')).json<Page<RunView>>();
    expect(none).toEqual({ items: [], nextCursor: null });
  });

  it('pages a filtered list too', async () => {
    const first = (await get('/api/runs?club=club-a&limit=4')).json<Page<RunView>>();
    expect(first.items).toHaveLength(4);
    const second = (await get(`/api/runs?club=club-a&limit=4&cursor=${first.nextCursor}`)).json<Page<RunView>>();
    expect(second.items).toHaveLength(3);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((r) => r.id)).size).toBe(7);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['status=exploded', 'status'],
    ['cursor=not%20a%20cursor', 'cursor'],
    ['cursor=eyJ4IjoxfQ', 'cursor'],
    ['club=', 'club'],
  ])('rejects %s with a 400 naming the parameter', async (query, name) => {
    const res = await get(`/api/runs?${query}`);
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: string; message: string; statusCode: number }>();
    expect(body).toMatchObject({ error: 'Bad Request', statusCode: 400 });
    expect(body.message).toContain(`"${name}"`);
  });

  it('refuses a cursor from another list', async () => {
    const errorsCursor = Buffer.from(JSON.stringify(['errors', 1, 2])).toString('base64url');
    const res = await get(`/api/runs?cursor=${errorsCursor}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain('cursor');
  });
});

describe('GET /api/runs/:id', () => {
  it('returns the run with its steps', async () => {
    const failed = (await get('/api/runs?status=failure')).json<Page<RunView>>().items[0] as RunView;
    const res = await get(`/api/runs/${failed.id}`);
    expect(res.statusCode).toBe(200);
    const run = res.json<RunDetail>();
    expect(run).toMatchObject({
      id: failed.id,
      club: 'club-a',
      pipeline: 'people',
      status: 'failure',
      trigger: 'cron',
    });
    expect(run.steps).toHaveLength(1);
    expect(run.steps[0]).toMatchObject({
      name: 'download',
      status: 'success',
      counts: { created: 5, updated: 2, skipped: 0, failed: 0 },
      progress: { done: 5, total: 10 },
    });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('404s an unknown id with a JSON body', async () => {
    const res = await get('/api/runs/987654');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json()).toEqual({
      error: 'Not Found',
      message: 'run 987654 not found',
      statusCode: 404,
      code: 'RB_ERR_NOT_FOUND',
    });
  });

  it.each(['abc', '0', '-1', '1.5', '99999999999999999999'])('400s the id %s', async (id) => {
    const res = await get(`/api/runs/${id}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain('"id"');
  });
});
