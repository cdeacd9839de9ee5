// /api/runs/:id/logs: paging by byte offset and filters, on a run written by the real run logger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLineView, LogsResponse, Page, RunView } from '../shared/api.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';

let server: TestServer;
let runId: number;
/** Every line of the run in file order, as the API gives them with the largest page. */
let all: LogLineView[];
const get = (url: string) => server.app.inject({ url });
const logs = async (query: string): Promise<LogsResponse> => {
  const res = await get(`/api/runs/${runId}/logs${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<LogsResponse>();
};
const numbers = (lines: LogLineView[]): number[] => lines.map((l) => Number(/#(\d+)/.exec(l.msg ?? '')?.[1] ?? -1));

const LINES = 600;
const HOSTILE = '<img src=x onerror="window.__pwned=1"> </script> \\" \u2028 \u{1F4A5} %_';

beforeAll(async () => {
  server = await testServer();
  await recordRun(server.runsDir, { club: 'c', pipeline: 'big', level: 'debug' }, async (run) => {
    await run.step('fetch', (step) => {
      for (let i = 0; i < LINES / 2; i++) {
        if (i % 10 === 0) step.log.warn({ i }, `slow response #${i}`);
        else if (i === 7) step.log.info({ i, html: HOSTILE }, `${HOSTILE} #${i}`);
        else step.log.info({ i }, `fetched page #${i}`);
      }
    });
    await run.step('write', (step) => {
      for (let i = LINES / 2; i < LINES; i++) {
        if (i === 450) step.log.error({ i }, `100% full_disk #${i}`);
        else if (i === 451) step.log.info({ i }, `1000 full disks #${i}`);
        else step.log.debug({ i }, `wrote row #${i}`);
      }
    });
  });
  await server.ingest();
  runId = (await get('/api/runs')).json<Page<RunView>>().items[0]?.id as number;
  all = (await logs('?limit=2000')).lines;
});
afterAll(() => server.close());

describe('GET /api/runs/:id/logs paging', () => {
  it('holds every line in file order (run.start, steps, lines, run.end)', () => {
    const offsets = all.map((l) => l.offset);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    expect(all[0]?.event).toBe('run.start');
    expect(all.at(-1)?.event).toBe('run.end');
    expect(numbers(all).filter((n) => n >= 0)).toEqual([...Array(LINES).keys()]);
  });

  it('gives the newest N first, in file order, with hasOlder', async () => {
    const page = await logs('?limit=50');
    expect(page.lines).toEqual(all.slice(-50));
    expect(page.hasOlder).toBe(true);
    expect(page.hasNewer).toBe(false);
  });

  it('walks back with before= to the first line without gaps or repeats', async () => {
    const collected: LogLineView[] = [];
    let page = await logs('?limit=77');
    collected.unshift(...page.lines);
    while (page.hasOlder) {
      page = await logs(`?limit=77&before=${page.lines[0]?.offset}`);
      expect(page.hasNewer).toBe(true);
      collected.unshift(...page.lines);
    }
    expect(collected).toEqual(all);
  });

  it('walks forward with after= from the start', async () => {
    const collected: LogLineView[] = [];
    let page = await logs(`?limit=101&after=0`);
    expect(page.hasOlder).toBe(true); // the line at offset 0 (run.start) is before it
    collected.push(...page.lines);
    while (page.hasNewer) {
      page = await logs(`?limit=101&after=${page.lines.at(-1)?.offset}`);
      collected.push(...page.lines);
    }
    expect([all[0], ...collected]).toEqual(all);
  });

  it('reads from the very first line with after=-1 (a live gap can start there)', async () => {
    const page = await logs('?limit=10&after=-1');
    expect(page.lines).toEqual(all.slice(0, 10));
    expect(page.hasOlder).toBe(false);
    expect(page.hasNewer).toBe(true);
  });

  it('reads a window between after= and before=', async () => {
    const from = all[100] as LogLineView;
    const to = all[120] as LogLineView;
    const page = await logs(`?after=${from.offset}&before=${to.offset}&limit=500`);
    expect(page.lines).toEqual(all.slice(101, 120));
    expect(page.hasOlder).toBe(true);
    expect(page.hasNewer).toBe(true);
    const capped = await logs(`?after=${from.offset}&before=${to.offset}&limit=5`);
    expect(capped.lines).toEqual(all.slice(101, 106));
  });

  it('returns nothing past the end', async () => {
    const page = await logs(`?after=${all.at(-1)?.offset}`);
    expect(page).toEqual({ lines: [], hasOlder: true, hasNewer: false });
  });
});

describe('GET /api/runs/:id/logs filters', () => {
  it('filters by minimum level, by label or number', async () => {
    const warn = await logs('?level=warn&limit=2000');
    expect(warn.lines.length).toBeGreaterThan(0);
    expect(warn.lines.every((l) => l.level >= 40)).toBe(true);
    expect(warn.lines).toEqual(all.filter((l) => l.level >= 40));
    expect((await logs('?level=40&limit=2000')).lines).toEqual(warn.lines);
    const errors = await logs('?level=error');
    expect(numbers(errors.lines.filter((l) => l.event === null))).toEqual([450]);
  });

  it('filters by step', async () => {
    const page = await logs('?step=write&limit=2000');
    expect(page.lines.length).toBeGreaterThan(LINES / 2 - 1);
    expect(page.lines.every((l) => l.step === 'write')).toBe(true);
  });

  it('searches text with % and _ taken literally', async () => {
    const percent = await logs(`?q=${encodeURIComponent('100%')}`);
    expect(numbers(percent.lines)).toEqual([450]);
    const underscore = await logs(`?q=${encodeURIComponent('full_disk')}`);
    expect(numbers(underscore.lines)).toEqual([450]);
    const plain = await logs(`?q=${encodeURIComponent('FULL DISKS')}`);
    expect(numbers(plain.lines)).toEqual([451]);
  });

  it('pages a filtered list by offset', async () => {
    const expected = all.filter((l) => l.level >= 40);
    const newest = await logs('?level=warn&limit=10');
    expect(newest.lines).toEqual(expected.slice(-10));
    expect(newest.hasOlder).toBe(true);
    const older = await logs(`?level=warn&limit=10&before=${newest.lines[0]?.offset}`);
    expect(older.lines).toEqual(expected.slice(-20, -10));
  });

  it('combines filters', async () => {
    const page = await logs('?step=fetch&level=warn&q=slow&limit=2000');
    expect(numbers(page.lines)).toEqual([...Array(30).keys()].map((i) => i * 10));
  });
});

describe('hostile strings in log lines', () => {
  it('come back verbatim in msg and data, as JSON', async () => {
    const res = await get(`/api/runs/${runId}/logs?q=${encodeURIComponent('onerror=')}`);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const lines = res.json<LogsResponse>().lines;
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toBe(`${HOSTILE} #7`);
    expect(lines[0]?.data).toEqual({ i: 7, html: HOSTILE });
  });
});

describe('GET /api/runs/:id/logs errors', () => {
  it('404s an unknown run', async () => {
    const res = await get('/api/runs/424242/logs');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'Not Found', statusCode: 404 });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=2001', 'limit'],
    ['after=-2', 'after'],
    ['before=x', 'before'],
    ['level=loud', 'level'],
    ['level=1000', 'level'],
    ['q=', 'q'],
    [`q=${'x'.repeat(201)}`, 'q'],
    ['step=', 'step'],
    ['after=10&before=10', 'before'],
    ['after=20&before=10', 'before'],
  ])('400s %s naming the parameter', async (query, name) => {
    const res = await get(`/api/runs/${runId}/logs?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain(`"${name}"`);
  });
});
