// Odd but valid JSON in run files (Python's float times, fractional durations, 1e300, negatives, strings where
// numbers go) must never make a list endpoint fail: every list answers 200 and every cursor it hands out works.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorView, LogsResponse, Page, PipelineSummary, RunDetail, RunView } from '../shared/api.js';
import { seededRandom } from './support/seeded-random.js';
import { testServer, type TestServer } from './helpers/seed-server.js';

/** What Python's `time.time() * 1000` writes, minus its fraction. */
const PY_TIME = Date.now() - 3600_000;
const SEED = Number(process.env.RUNBOARD_FUZZ_SEED ?? 20261130);
let server: TestServer;
const get = (url: string) => server.app.inject({ url });

const ODD_NUMBERS = [
  1764400000123.456,
  1.5,
  -1,
  -1e15,
  0,
  1e300,
  -1e300,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  1e15,
  4102444800000, // 2100
  946684799999, // just before 2000
  0.0001,
];
const ODD_VALUES: unknown[] = [...ODD_NUMBERS, '12', 'soon', '', true, null, [], {}, [1, 2], { a: 1e300 }];
const KINDS = [undefined, 'run.start', 'step.start', 'step.progress', 'step.end', 'error', 'run.end'] as const;

/** A random line: a sensible skeleton with random fields replaced by odd values. */
function oddLine(random: () => number, i: number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const odd = () => (random() < 0.7 ? pick(ODD_NUMBERS) : pick(ODD_VALUES));
  const line: Record<string, unknown> = { level: 30, time: Date.now(), msg: `line ${i}` };
  const kind = pick(KINDS);
  if (kind !== undefined) line.event = kind;
  line.step = pick(['download', 'submit', 'prepare']);
  if (kind === 'step.end') {
    line.outcome = pick(['success', 'failure', 'skipped']);
    line.durationMs = odd();
    line.counts = { created: odd(), updated: pick([1, 2.5, 1e300]), failed: 0 };
  }
  if (kind === 'step.progress') Object.assign(line, { done: odd(), total: odd() });
  if (kind === 'run.end') Object.assign(line, { outcome: pick(['success', 'failure']), exitCode: odd() });
  if (kind === 'error') Object.assign(line, { identifier: odd(), system: 'laposta' });
  for (const field of ['time', 'level', 'pid', 'time', 'level']) if (random() < 0.3) line[field] = odd();
  if (random() < 0.2) line.extra = odd();
  return JSON.stringify(line);
}

beforeAll(async () => {
  server = await testServer();
  const random = seededRandom(SEED);
  for (let f = 0; f < 12; f++) {
    const dir = join(server.runsDir, f % 2 ? 'clubA' : 'clubB', `odd${f % 3}`);
    mkdirSync(dir, { recursive: true });
    const lines = Array.from({ length: 80 }, (_, i) => oddLine(random, i));
    writeFileSync(join(dir, `run-${f}.ndjson`), `${lines.join('\n')}\n`);
  }
  // The two lines of the issue (an hour ago, not a year: retention would take a year-old run).
  mkdirSync(join(server.runsDir, 'py', 'python'), { recursive: true });
  writeFileSync(
    join(server.runsDir, 'py', 'python', 'r1.ndjson'),
    [
      `{"level":30,"time":${PY_TIME}.456,"msg":"hello"}`,
      `{"level":30,"time":${PY_TIME + 77},"event":"step.end","step":"s","outcome":"success","durationMs":1.5}`,
    ].join('\n') + '\n',
  );
  await server.ingest();
}, 60_000);
afterAll(() => server.close());

/** Follows every nextCursor of a list to its end; each page must answer 200. */
async function walk(path: string): Promise<number> {
  let url = `${path}${path.includes('?') ? '&' : '?'}limit=7`;
  let items = 0;
  for (let pages = 0; pages < 200; pages++) {
    const res = await get(url);
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    const page = res.json<Page<unknown>>();
    items += page.items.length;
    if (page.nextCursor === null) return items;
    url = `${path}${path.includes('?') ? '&' : '?'}limit=7&cursor=${encodeURIComponent(page.nextCursor)}`;
  }
  throw new Error(`${path}: more than 200 pages`);
}

describe(`odd values in run files (seed ${SEED}; replay with RUNBOARD_FUZZ_SEED)`, () => {
  it('every list endpoint answers 200, page after page', async () => {
    expect(await walk('/api/runs')).toBeGreaterThan(10);
    expect(await walk('/api/errors')).toBeGreaterThan(0);
    await walk('/api/rejects');
    for (const path of ['/api/pipelines', '/api/errors/groups', '/api/health']) {
      const res = await get(path);
      expect(res.statusCode, `${path}: ${res.body.slice(0, 300)}`).toBe(200);
    }
  });

  it('every run, its logs and its errors answer 200', async () => {
    const runs = (await get('/api/runs?limit=500')).json<Page<RunView>>().items;
    for (const run of runs) {
      for (const path of [`/api/runs/${run.id}`, `/api/runs/${run.id}/logs`, `/api/runs/${run.id}/errors`]) {
        const res = await get(path);
        expect(res.statusCode, `${path}: ${res.body.slice(0, 300)}`).toBe(200);
      }
    }
  });

  it('pipelines list every pipeline that has runs', async () => {
    const pipelines = (await get('/api/pipelines')).json<PipelineSummary[]>();
    expect(pipelines.map((p) => `${p.club}/${p.pipeline}`).sort()).toEqual(
      ['clubA/odd0', 'clubA/odd1', 'clubA/odd2', 'clubB/odd0', 'clubB/odd1', 'clubB/odd2', 'py/python'].sort(),
    );
  });

  it("takes a Python pipeline's float time and a fractional duration, rounded to whole ms", async () => {
    const runs = (await get('/api/runs?pipeline=python')).json<Page<RunView>>().items;
    expect(runs).toHaveLength(1);
    expect(runs[0]?.startedAt).toBe(PY_TIME);
    const detail = (await get(`/api/runs/${runs[0]?.id}`)).json<RunDetail>();
    expect(detail.steps[0]?.durationMs).toBe(2);
    const logs = (await get(`/api/runs/${runs[0]?.id}/logs`)).json<LogsResponse>();
    expect(logs.lines.map((l) => l.time)).toEqual([PY_TIME, PY_TIME + 77]);
    const errors = (await get('/api/errors')).json<Page<ErrorView>>();
    expect(errors.items.length).toBeGreaterThan(0);
  });
});

describe('a stored row that does not serialise', () => {
  it('is left out of its list (and logged), never a 500 for the whole page', async () => {
    const runs = (await get('/api/runs?pipeline=python')).json<Page<RunView>>().items;
    const id = runs[0]!.id;
    // Written behind the parser's back, as a row from an older version or a bug might be.
    server.db.$client.prepare('UPDATE runs SET started_at = 1.5 WHERE id = ?').run(id);
    try {
      const res = await get('/api/runs?limit=500');
      expect(res.statusCode).toBe(200);
      const ids = res.json<Page<RunView>>().items.map((r) => r.id);
      expect(ids).not.toContain(id);
      expect(ids.length).toBeGreaterThan(10);
      const pipelines = await get('/api/pipelines');
      expect(pipelines.statusCode).toBe(200);
      expect(pipelines.json<PipelineSummary[]>().map((p) => p.pipeline)).not.toContain('python');
    } finally {
      server.db.$client.prepare('UPDATE runs SET started_at = ? WHERE id = ?').run(PY_TIME, id);
    }
  });
});
