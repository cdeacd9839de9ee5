// Triage on the errors API: group titles from the fingerprint's normalisation, groups narrowed to a record or a
// run, and acknowledging a group (who from the session, when; token and same-origin checked; undone by a newer
// occurrence, judged at read time).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorGroup, ErrorGroupsResponse, Page, RunView } from '../shared/api.js';
import { normaliseErrorMessage } from '../shared/error-fingerprint.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';

const TOKEN = 'a-token-for-acknowledgements';
const HOST = 'localhost';
let server: TestServer;
const bearer = { authorization: `Bearer ${TOKEN}` };

async function groups(query = ''): Promise<ErrorGroup[]> {
  const res = await server.app.inject({ url: `/api/errors/groups?since=0${query}`, headers: bearer });
  expect(res.statusCode).toBe(200);
  return res.json<ErrorGroupsResponse>().groups;
}

async function recordErrors(errors: Array<[identifier: string, message: string]>): Promise<void> {
  await recordRun(server.runsDir, { club: 'c', pipeline: 'p' }, async (run) => {
    await run.step('push', (step) => {
      for (const [identifier, message] of errors) step.error({ identifier, system: 'crm', err: new Error(message) });
    });
  });
  await server.ingest();
}

const timedOut = (g: ErrorGroup) => g.title === 'Timed out after <n> ms';

beforeAll(async () => {
  server = await testServer({ token: TOKEN });
  await recordErrors([
    ['m-1', 'Timed out after 1500 ms'],
    ['m-2', 'Timed out after 2300 ms'],
    ['m-2', 'Member "Ann" rejected'],
  ]);
  await recordErrors([['m-1', 'Timed out after 900 ms']]);
});

afterAll(async () => server?.close());

describe('group titles', () => {
  it('are the message with what the group varies on as placeholders, in its own case, beside a real message', async () => {
    const all = await groups();
    expect(all.map((g) => g.title).sort()).toEqual(['Member <str> rejected', 'Timed out after <n> ms']);
    const group = all.find(timedOut)!;
    expect(group.sampleMessage).toBe('Timed out after 900 ms');
    expect(group.title.toLowerCase()).toBe(normaliseErrorMessage(group.sampleMessage));
  });
});

describe('narrowing the groups', () => {
  it('to a record: only the groups it appears in, counted for it', async () => {
    const ofM1 = await groups('&identifier=m-1');
    expect(ofM1.map((g) => [g.title, g.count, g.runsAffected, g.identifiersAffected, g.sampleIdentifiers])).toEqual([
      ['Timed out after <n> ms', 2, 2, 1, ['m-1']],
    ]);
    expect((await groups('&identifier=m-2')).map((g) => g.count)).toEqual([1, 1]);
  });

  it("to a run: exactly that run's errors", async () => {
    const runs = (await server.app.inject({ url: '/api/runs?pipeline=p&limit=10', headers: bearer })).json<
      Page<RunView>
    >();
    for (const run of runs.items) {
      const ofRun = await groups(`&runId=${run.id}`);
      expect(ofRun.reduce((sum, g) => sum + g.count, 0)).toBe(run.errorCount);
    }
  });
});

describe('acknowledging a group', () => {
  const path = (g: ErrorGroup) => `/api/errors/groups/${g.fingerprint}/ack?club=${g.club}&pipeline=${g.pipeline}`;

  it('needs the token, and refuses a foreign origin even with it', async () => {
    const group = (await groups()).find(timedOut)!;
    const none = await server.app.inject({ method: 'POST', url: path(group), headers: { host: HOST } });
    expect(none.statusCode).toBe(401);
    const foreign = await server.app.inject({
      method: 'POST',
      url: path(group),
      headers: { ...bearer, host: HOST, origin: 'http://evil.example' },
    });
    expect(foreign.statusCode).toBe(403);
    const foreignDelete = await server.app.inject({
      method: 'DELETE',
      url: path(group),
      headers: { ...bearer, host: HOST, origin: 'http://localhost:81' },
    });
    expect(foreignDelete.statusCode).toBe(403);
    expect((await groups()).find(timedOut)!.acknowledged).toBeNull();
    const unknown = await server.app.inject({
      method: 'POST',
      url: `/api/errors/groups/0123456789abcdef/ack?club=c&pipeline=p`,
      headers: bearer,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('records who (the session) and when, shows it, hides it on request, and a newer occurrence undoes it', async () => {
    const group = (await groups()).find(timedOut)!;
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { host: HOST, origin: `http://${HOST}` },
      payload: { token: TOKEN },
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const before = Date.now();
    const ack = await server.app.inject({
      method: 'POST',
      url: path(group),
      headers: { cookie, host: HOST, origin: 'http://localhost' },
    });
    expect(ack.statusCode).toBe(200);
    const body = ack.json<{ by: string; at: number; through: number }>();
    expect(body.by).toMatch(/^session [0-9a-f]{8}$/);
    expect(body.at).toBeGreaterThanOrEqual(before);
    expect(body.through).toBe(group.lastSeen);

    expect((await groups()).find(timedOut)!.acknowledged).toEqual(body);
    // Narrowed to a record or not, the group is acknowledged as a whole.
    expect((await groups('&identifier=m-2')).find(timedOut)!.acknowledged).toEqual(body);
    expect((await groups('&acknowledged=hide')).map((g) => g.title)).toEqual(['Member <str> rejected']);

    // By Bearer: "API token".
    const again = await server.app.inject({ method: 'POST', url: path(group), headers: bearer });
    expect(again.json<{ by: string }>().by).toBe('API token');

    await recordErrors([['m-3', 'Timed out after 4100 ms']]);
    const recurred = (await groups()).find(timedOut)!;
    expect(recurred.acknowledged).toBeNull();
    expect((await groups('&acknowledged=hide')).some(timedOut)).toBe(true);

    // Acknowledged again, then taken back.
    await server.app.inject({ method: 'POST', url: path(recurred), headers: bearer });
    expect((await groups()).find(timedOut)!.acknowledged?.through).toBe(recurred.lastSeen);
    const undo = await server.app.inject({ method: 'DELETE', url: path(recurred), headers: bearer });
    expect(undo.statusCode).toBe(204);
    expect((await groups()).find(timedOut)!.acknowledged).toBeNull();
  });

  it('covers only what the operator saw when they say so (lastSeen)', async () => {
    const group = (await groups()).find(timedOut)!;
    await server.app.inject({ method: 'POST', url: `${path(group)}&lastSeen=${group.lastSeen - 1}`, headers: bearer });
    expect((await groups()).find(timedOut)!.acknowledged).toBeNull();
  });
});
