// GET /api/runs/:id/compare on runs written by the real run logger (on a simulated clock, so durations and start
// times are exact) and ingested by the real daemon.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunComparison } from '../shared/api-compare.js';
import type { ApiError, Page, RunView } from '../shared/api.js';
import { startRun } from '../shared/run-logger.js';
import { testServer, type TestServer } from './helpers/seed-server.js';

const DAY = 24 * 3600 * 1000;
const T0 = Date.UTC(2026, 10, 1, 3, 0, 0);
const MINUTE = 60_000;

let server: TestServer;
/** Run ids by their night (1-based), in ingest's numbering. */
const nights: number[] = [];
let otherPipelineRunId = 0;

interface Night {
  outcome: 'success' | 'failure';
  steps: Array<{ name: string; minutes: number; created?: number; updated?: number }>;
  errors?: Array<{ identifier: string; system: string; message: string }>;
}

async function writeNight(pipeline: string, night: number, spec: Night): Promise<void> {
  let now = T0 + night * DAY;
  const run = startRun({
    runsDir: server.runsDir,
    club: 'rondo',
    pipeline,
    trigger: 'cron',
    runId: `${pipeline}-${night}`,
    handleProcessEnd: false,
    progressIntervalMs: 0,
    env: {},
    clock: () => now,
  });
  for (const [i, step] of spec.steps.entries()) {
    await run.step(step.name, (handle) => {
      now += step.minutes * MINUTE;
      handle.count({ created: step.created ?? 0, updated: step.updated ?? 0 });
      // The errors belong to the last step.
      if (i === spec.steps.length - 1)
        for (const e of spec.errors ?? [])
          handle.error({ identifier: e.identifier, system: e.system, err: new Error(e.message) });
    });
  }
  await run.end({ outcome: spec.outcome });
}

const rejected = (identifier: string) => ({ identifier, system: 'laposta', message: 'member rejected by list' });

beforeAll(async () => {
  server = await testServer();
  const created = [100, 98, 103, 101, 99, 100, 102, 97, 100, 101];
  // Nights 1-10 succeed: download creates about 100 in 10 minutes, submit updates 40.
  for (let night = 1; night <= 10; night++) {
    const errors = night === 9 ? [rejected('A')] : night === 10 ? [rejected('A'), rejected('C')] : [];
    await writeNight('people', night, {
      outcome: 'success',
      steps: [
        { name: 'download', minutes: 10, created: created[night - 1] },
        { name: 'submit', minutes: 5, updated: 40 },
      ],
      errors,
    });
  }
  // Night 11 fails; night 12 creates 180 (odd), and its submit step is now called sync.
  await writeNight('people', 11, {
    outcome: 'failure',
    steps: [
      { name: 'download', minutes: 10, created: 100 },
      { name: 'submit', minutes: 5, updated: 40 },
    ],
    errors: [rejected('A'), rejected('B')],
  });
  await writeNight('people', 12, {
    outcome: 'failure',
    steps: [
      { name: 'download', minutes: 10, created: 180 },
      { name: 'sync', minutes: 5, updated: 40 },
    ],
    errors: [
      rejected('A'),
      rejected('B'),
      { identifier: 'X', system: 'sportlink', message: 'quota exceeded for <script>alert(1)</script>' },
    ],
  });
  await writeNight('invoices', 1, { outcome: 'success', steps: [{ name: 'bill', minutes: 1 }] });
  await server.ingest();

  const list = await server.app.inject({ url: '/api/runs?club=rondo&limit=100' });
  const runs = list.json<Page<RunView>>().items;
  for (const run of runs) {
    const night = Number(run.runKey.split('-').at(-1));
    if (run.pipeline === 'people') nights[night] = run.id;
    else otherPipelineRunId = run.id;
  }
});
afterAll(() => server.close());

async function compare(runId: number, withParam?: string): Promise<RunComparison> {
  const res = await server.app.inject({
    url: `/api/runs/${runId}/compare${withParam === undefined ? '' : `?with=${withParam}`}`,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<RunComparison>();
}

const keys = (list: { items: Array<{ system: string | null; identifier: string | null }> }) =>
  list.items.map((e) => `${e.system}/${e.identifier}`).sort();

describe('GET /api/runs/:id/compare', () => {
  it('compares with the last successful run by default', async () => {
    const result = await compare(nights[12]!);
    expect(result.runId).toBe(nights[12]);
    expect(result.baseline).toMatchObject({ kind: 'last-success', runId: nights[10], runKey: 'people-10' });
    expect(result.rangeRuns).toBe(10);

    const download = result.steps.find((s) => s.name === 'download')!;
    expect(download.figures.created).toMatchObject({ current: 180, baseline: 101, change: 79, outside: true });
    expect(download.figures.created.range).toMatchObject({ median: 100, runs: 10 });
    expect(download.figures.durationMs).toMatchObject({ current: 10 * MINUTE, change: 0, outside: false });
    expect(download.outside).toBe(true);
    expect(result.outside).toBe(true);

    // submit was renamed sync.
    expect(result.added).toEqual(['sync']);
    expect(result.missing).toEqual(['submit']);
    expect(result.steps.map((s) => [s.name, s.presence])).toEqual([
      ['download', 'both'],
      ['sync', 'added'],
      ['submit', 'missing'],
    ]);
  });

  it('sorts errors into new, still failing (with the streak) and resolved', async () => {
    const errors = (await compare(nights[12]!)).errors!;
    expect(keys(errors.new)).toEqual(['laposta/B', 'sportlink/X']);
    expect(keys(errors.stillFailing)).toEqual(['laposta/A']);
    // A failed on nights 9, 10, 11 and 12.
    expect(errors.stillFailing.items[0]).toMatchObject({ consecutiveRuns: 4, count: 1 });
    expect(errors.new.items.find((e) => e.identifier === 'B')?.consecutiveRuns).toBe(2);
    expect(keys(errors.resolved)).toEqual(['laposta/C']);
  });

  it('lists the fingerprints new to the pipeline, with the message as written', async () => {
    const result = await compare(nights[12]!);
    expect(result.newFingerprints).toEqual([
      {
        fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
        message: 'quota exceeded for <script>alert(1)</script>',
        system: 'sportlink',
        count: 1,
      },
    ]);
    // Night 9 was the first with "member rejected": new then, known afterwards.
    expect((await compare(nights[9]!)).newFingerprints.map((f) => f.message)).toEqual(['member rejected by list']);
    expect((await compare(nights[10]!)).newFingerprints).toEqual([]);
  });

  it('with=previous compares with the run just before, failed or not', async () => {
    const result = await compare(nights[12]!, 'previous');
    expect(result.baseline).toMatchObject({ kind: 'previous', runId: nights[11], status: 'failure' });
    expect(keys(result.errors!.new)).toEqual(['sportlink/X']);
    expect(keys(result.errors!.stillFailing)).toEqual(['laposta/A', 'laposta/B']);
    expect(result.errors!.resolved.total).toBe(0);
  });

  it('with=median compares with the median of the last 10 successful runs', async () => {
    const result = await compare(nights[12]!, 'median');
    expect(result.baseline).toMatchObject({ kind: 'median', runId: null });
    expect(result.baseline!.runIds).toEqual(nights.slice(1, 11).reverse());
    const download = result.steps.find((s) => s.name === 'download')!;
    expect(download.figures.created).toMatchObject({ baseline: 100, change: 80, changePct: 80, outside: true });
    expect(result.totals.durationMs).toMatchObject({ baseline: 15 * MINUTE, current: 15 * MINUTE });
  });

  it('with=<run id> compares with that run of the same pipeline', async () => {
    const result = await compare(nights[12]!, String(nights[3]));
    expect(result.baseline).toMatchObject({ kind: 'run', runId: nights[3], runKey: 'people-3' });
    expect(result.steps[0]!.figures.created).toMatchObject({ baseline: 103, change: 77 });
    // The range is still the last successful runs before night 12.
    expect(result.rangeRuns).toBe(10);
  });

  it('the normal range is taken over the runs before the compared one', async () => {
    const result = await compare(nights[4]!);
    expect(result.rangeRuns).toBe(3);
    expect(result.baseline?.runId).toBe(nights[3]);
  });

  it('the first run has no baseline yet and nothing flagged', async () => {
    const result = await compare(nights[1]!);
    expect(result.baseline).toBeNull();
    expect(result.rangeRuns).toBe(0);
    expect(result.errors).toBeNull();
    expect(result.outside).toBe(false);
    expect(result.steps.map((s) => [s.name, s.presence])).toEqual([
      ['download', 'both'],
      ['submit', 'both'],
    ]);
    expect((await compare(nights[1]!, 'previous')).baseline).toBeNull();
    expect((await compare(nights[1]!, 'median')).baseline).toBeNull();
  });

  it('404 for an unknown run or baseline, 400 for a baseline of another pipeline or a bad `with`', async () => {
    const get = (url: string) => server.app.inject({ url });
    const unknownRun = await get('/api/runs/999999/compare');
    expect(unknownRun.statusCode).toBe(404);
    expect(unknownRun.json<ApiError>().message).toBe('run 999999 not found');
    const unknownBaseline = await get(`/api/runs/${nights[12]}/compare?with=999999`);
    expect(unknownBaseline.statusCode).toBe(404);
    expect(unknownBaseline.json<ApiError>().message).toBe('baseline run 999999 not found');
    const other = await get(`/api/runs/${nights[12]}/compare?with=${otherPipelineRunId}`);
    expect(other.statusCode).toBe(400);
    expect(other.json<ApiError>().message).toContain('another pipeline');
    for (const bad of ['latest', '0', '-1', '1.5', '', 'median%20'])
      expect((await get(`/api/runs/${nights[12]}/compare?with=${bad}`)).statusCode, bad).toBe(400);
  });
});
