// Errors: per run, across runs with filters, grouped by fingerprint (new vs recurring), identifiers failing in
// consecutive runs, and hostile strings returned verbatim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorGroup, ErrorGroupsResponse, ErrorView, Page, RunView } from '../shared/api.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';

let server: TestServer;
const get = (url: string) => server.app.inject({ url });
const runIds: Record<string, number> = {};

const HOSTILE = {
  message: '<img src=x onerror="window.__pwned=1"> </script><script>alert(1)</script> \\" \u2028 \u{1F4A5} %_',
  identifier: `'; DROP TABLE runs; -- <b>`,
  system: '{{constructor.constructor("alert(1)")()}}',
  stack: 'Error: <svg onload=alert(1)>\n    at <anonymous>:1:1',
};

function timeout(seconds: number): Error {
  return new Error(`timeout after ${seconds}s contacting laposta`);
}

/** Run keys in the order the runs were recorded: runs may share a start millisecond, so list order can't name them. */
const recordedKeys: string[] = [];
async function record(...args: Parameters<typeof recordRun>): Promise<void> {
  recordedKeys.push((await recordRun(...args)).runId);
}

beforeAll(async () => {
  server = await testServer();
  const spec = { club: 'x', pipeline: 'sync' };
  // run1: A and B time out, C has a bad email.
  await record(server.runsDir, spec, async (run) => {
    await run.step('submit', (step) => {
      step.error({ identifier: 'A', system: 'laposta', err: timeout(30) });
      step.error({ identifier: 'B', system: 'laposta', err: timeout(31) });
      step.error({ identifier: 'C', system: 'laposta', err: new Error('invalid email "c@example"') });
    });
    return { outcome: 'failure' };
  });
  // run2: A again, C again, D a new HTTP 500.
  await record(server.runsDir, spec, async (run) => {
    await run.step('submit', (step) => {
      step.error({ identifier: 'A', system: 'laposta', err: timeout(32) });
      step.error({ identifier: 'C', system: 'laposta', err: new Error('invalid email "c2@example"') });
      step.error({ identifier: 'D', system: 'sportlink', err: new Error('HTTP 500 from sportlink') });
    });
  });
  // run3: A a third time, E the same HTTP 500 as D, F brand new.
  await record(server.runsDir, spec, async (run) => {
    await run.step('submit', (step) => {
      step.error({ identifier: 'A', system: 'laposta', err: timeout(45) });
      step.error({ identifier: 'E', system: 'sportlink', err: new Error('HTTP 500 from sportlink') });
      step.error({ identifier: 'F', system: 'mailchimp', err: new Error('quota exceeded') });
    });
  });
  // run4, still running: A again and G new. Running runs don't extend or break streaks.
  await record(server.runsDir, spec, async (run) => {
    await run.step('submit', (step) => {
      step.error({ identifier: 'A', system: 'laposta', err: timeout(46) });
      step.error({ identifier: 'G', system: 'laposta', err: new Error('mailbox full') });
    });
    return 'leave-running' as const;
  });
  // Another club's pipeline, with hostile strings.
  await record(server.runsDir, { club: 'y', pipeline: 'evil' }, (run) => {
    run.error({
      identifier: HOSTILE.identifier,
      system: HOSTILE.system,
      err: Object.assign(new Error(HOSTILE.message), { stack: HOSTILE.stack }),
    });
  });
  await server.ingest();
  const runs = (await get('/api/runs?limit=500')).json<Page<RunView>>().items;
  for (const r of runs) runIds[`${r.pipeline}${recordedKeys.indexOf(r.runKey) + 1}`] = r.id;
});
afterAll(() => server.close());

describe('GET /api/runs/:id/errors', () => {
  it("lists the run's errors in file order", async () => {
    const res = await get(`/api/runs/${runIds.sync1}/errors`);
    expect(res.statusCode).toBe(200);
    const page = res.json<Page<ErrorView>>();
    expect(page.items.map((e) => e.identifier)).toEqual(['A', 'B', 'C']);
    expect(page.items[0]).toMatchObject({
      runId: runIds.sync1,
      club: 'x',
      pipeline: 'sync',
      step: 'submit',
      system: 'laposta',
      message: 'timeout after 30s contacting laposta',
    });
    expect(page.items[0]?.stack).toContain('timeout after 30s');
    expect(page.nextCursor).toBeNull();
  });

  it('pages with a cursor', async () => {
    const first = (await get(`/api/runs/${runIds.sync1}/errors?limit=2`)).json<Page<ErrorView>>();
    expect(first.items.map((e) => e.identifier)).toEqual(['A', 'B']);
    const rest = (await get(`/api/runs/${runIds.sync1}/errors?limit=2&cursor=${first.nextCursor}`)).json<
      Page<ErrorView>
    >();
    expect(rest).toMatchObject({ nextCursor: null });
    expect(rest.items.map((e) => e.identifier)).toEqual(['C']);
  });

  it('404s an unknown run, 400s bad values', async () => {
    expect((await get('/api/runs/777777/errors')).statusCode).toBe(404);
    const bad = await get(`/api/runs/${runIds.sync1}/errors?limit=100000`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toContain('"limit"');
    const cursor = await get(`/api/runs/${runIds.sync1}/errors?cursor=${Buffer.from('[1]').toString('base64url')}`);
    expect(cursor.statusCode).toBe(400);
  });
});

describe('GET /api/errors', () => {
  it('lists errors newest first and pages through all of them', async () => {
    const all = (await get('/api/errors')).json<Page<ErrorView>>().items;
    expect(all).toHaveLength(12);
    const times = all.map((e) => e.time);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<ErrorView> = (await get(`/api/errors?limit=5${cursor ? `&cursor=${cursor}` : ''}`)).json();
      paged.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.map((e) => e.id));
  });

  it('filters by club, pipeline, system, identifier, fingerprint and run', async () => {
    const ids = async (query: string) =>
      (await get(`/api/errors?${query}`)).json<Page<ErrorView>>().items.map((e) => e.identifier);
    expect(await ids('club=y')).toEqual([HOSTILE.identifier]);
    expect(await ids('club=x&pipeline=sync&system=sportlink')).toEqual(['E', 'D']);
    expect(await ids('identifier=A')).toEqual(['A', 'A', 'A', 'A']);
    expect(await ids(`runId=${runIds.sync2}`)).toEqual(['D', 'C', 'A']);
    const d = (await get('/api/errors?identifier=D')).json<Page<ErrorView>>().items[0] as ErrorView;
    expect(await ids(`fingerprint=${d.fingerprint}`)).toEqual(['E', 'D']);
    expect(await ids('system=nothing')).toEqual([]);
  });

  it.each([
    ['fingerprint=XYZ', 'fingerprint'],
    ['runId=0', 'runId'],
    ['limit=1001', 'limit'],
    ['identifier=', 'identifier'],
    ['cursor=%2B%2B', 'cursor'],
  ])('400s %s', async (query, name) => {
    const res = await get(`/api/errors?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain(`"${name}"`);
  });
});

describe('GET /api/errors/groups', () => {
  const groupsOf = async (query = ''): Promise<ErrorGroupsResponse> => {
    const res = await get(`/api/errors/groups${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ErrorGroupsResponse>();
  };
  const byMessage = (groups: ErrorGroup[], text: string): ErrorGroup => {
    const group = groups.find((g) => g.sampleMessage.includes(text));
    if (!group) throw new Error(`no group for ${text}`);
    return group;
  };

  it('groups the same error across runs, with counts, identifiers and first/last seen', async () => {
    const { groups } = await groupsOf('?club=x&pipeline=sync');
    expect(groups).toHaveLength(5);
    const timeouts = byMessage(groups, 'timeout after');
    expect(timeouts).toMatchObject({
      club: 'x',
      pipeline: 'sync',
      system: 'laposta',
      count: 5,
      runsAffected: 4,
      identifiersAffected: 2,
      sampleIdentifiers: ['A', 'B'],
      sampleMessage: 'timeout after 46s contacting laposta',
      latestRunId: runIds.sync4,
      isNew: false,
    });
    expect(timeouts.firstSeen).toBeLessThan(timeouts.lastSeen);
    const http = byMessage(groups, 'HTTP 500');
    expect(http).toMatchObject({ count: 2, runsAffected: 2, sampleIdentifiers: ['D', 'E'], isNew: false });
    expect(byMessage(groups, 'invalid email')).toMatchObject({ count: 2, runsAffected: 2, isNew: false });
  });

  it('marks as new what first appeared in the latest finished run or the running one', async () => {
    const { groups } = await groupsOf('?club=x');
    expect(byMessage(groups, 'quota exceeded')).toMatchObject({ isNew: true, count: 1, latestRunId: runIds.sync3 });
    expect(byMessage(groups, 'mailbox full')).toMatchObject({ isNew: true, count: 1, latestRunId: runIds.sync4 });
    expect(
      groups
        .filter((g) => g.isNew)
        .map((g) => g.sampleMessage)
        .sort(),
    ).toEqual(['mailbox full', 'quota exceeded']);
  });

  it('lists the most recently seen groups first, across clubs', async () => {
    const { groups } = await groupsOf();
    expect(groups).toHaveLength(6);
    const lastSeen = groups.map((g) => g.lastSeen);
    expect([...lastSeen].sort((a, b) => b - a)).toEqual(lastSeen);
  });

  it('counts only errors since `since`, but keeps firstSeen over all history', async () => {
    const run3 = (await get(`/api/runs/${runIds.sync3}/errors`)).json<Page<ErrorView>>().items;
    const since = Math.min(...run3.map((e) => e.time));
    const response = await groupsOf(`?club=x&since=${since}`);
    expect(response.since).toBe(since);
    const timeouts = byMessage(response.groups, 'timeout after');
    expect(timeouts).toMatchObject({ count: 2, runsAffected: 2, sampleIdentifiers: ['A'] });
    expect(timeouts.firstSeen).toBeLessThan(since);
    expect(response.groups.some((g) => g.sampleMessage.includes('invalid email'))).toBe(false);
  });

  it('finds identifiers failing in consecutive finished runs', async () => {
    const { recurringIdentifiers } = await groupsOf('?club=x');
    expect(recurringIdentifiers).toEqual([
      {
        club: 'x',
        pipeline: 'sync',
        identifier: 'A',
        consecutiveRuns: 3,
        lastMessage: 'timeout after 45s contacting laposta',
        lastSeen: expect.any(Number) as number,
      },
    ]);
    expect((await groupsOf('?club=x&pipeline=sync&consecutive=3')).recurringIdentifiers).toHaveLength(1);
    expect((await groupsOf('?consecutive=4')).recurringIdentifiers).toEqual([]);
    expect((await groupsOf('?club=y')).recurringIdentifiers).toEqual([]);
  });

  it.each([
    ['since=-5', 'since'],
    ['since=yesterday', 'since'],
    ['consecutive=1', 'consecutive'],
    ['consecutive=51', 'consecutive'],
    ['limit=0', 'limit'],
    ['club=', 'club'],
  ])('400s %s', async (query, name) => {
    const res = await get(`/api/errors/groups?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain(`"${name}"`);
  });
});

describe('hostile strings from logs', () => {
  it('come back verbatim as JSON strings, in every list', async () => {
    const check = (e: {
      message?: string;
      sampleMessage?: string;
      identifier?: string | null;
      system: string | null;
    }) => {
      expect(e.message ?? e.sampleMessage).toBe(HOSTILE.message);
      expect(e.system).toBe(HOSTILE.system);
    };
    const res = await get('/api/errors?club=y');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const error = res.json<Page<ErrorView>>().items[0] as ErrorView;
    check(error);
    expect(error.identifier).toBe(HOSTILE.identifier);
    expect(error.stack).toBe(HOSTILE.stack);
    check(byFirst((await get(`/api/runs/${error.runId}/errors`)).json<Page<ErrorView>>().items));
    const groups = (await get('/api/errors/groups?club=y')).json<ErrorGroupsResponse>().groups;
    check(byFirst(groups));
    expect(groups[0]?.sampleIdentifiers).toEqual([HOSTILE.identifier]);
    expect(
      (await get(`/api/errors?identifier=${encodeURIComponent(HOSTILE.identifier)}`)).json<Page<ErrorView>>().items,
    ).toHaveLength(1);
  });
});

function byFirst<T>(items: T[]): T {
  expect(items.length).toBeGreaterThan(0);
  return items[0] as T;
}
