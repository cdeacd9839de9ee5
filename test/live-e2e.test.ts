// Live updates end to end: a real run logger appends to a run file, the in-process daemon ingests it into
// SQLite, and real `ws` clients on /api/live receive it. Resume, slow clients and auth over real sockets.
import { afterEach, describe, expect, it } from 'vitest';
import type { LogsResponse, RunView } from '../shared/api.js';
import { startRun, type RunHandle } from '../shared/run-logger.js';
import { LiveTestClient } from './fixtures/live-client.js';
import { startInProcessServer, type InProcessServer } from './support/in-process-server.js';
import { waitFor } from './fixtures/live-wait.js';

const servers: InProcessServer[] = [];
const clients: LiveTestClient[] = [];
const runs: RunHandle[] = [];

async function server(options: Parameters<typeof startInProcessServer>[0] = {}): Promise<InProcessServer> {
  const started = await startInProcessServer(options);
  servers.push(started);
  return started;
}

async function client(s: InProcessServer, options = {}): Promise<LiveTestClient> {
  const opened = await LiveTestClient.open(s.wsUrl, options);
  clients.push(opened);
  return opened;
}

function run(s: InProcessServer, pipeline = 'people'): RunHandle {
  const handle = startRun({ pipeline, club: 'club-a', runsDir: s.runsDir, handleProcessEnd: false });
  runs.push(handle);
  return handle;
}

afterEach(async () => {
  for (const r of runs.splice(0)) await r.end();
  for (const c of clients.splice(0)) c.socket.terminate();
  for (const s of servers.splice(0)) await s.close();
});

/** The database id of a run, learnt the way the UI does: from the overview topic. */
async function runIdOf(c: LiveTestClient, handle: RunHandle): Promise<number> {
  const find = (): number | undefined => {
    for (const m of c.data()) {
      if (m.type !== 'runs') continue;
      const found = m.runs.find((r) => r.runKey === handle.runId);
      if (found) return found.id;
    }
    return undefined;
  };
  await waitFor(() => find() !== undefined, `run ${handle.runId} on the overview`);
  return find() as number;
}

/** Subscribes to a run's topic, resuming from what the client saw on the overview so nothing is missed. */
async function followRun(s: InProcessServer, handle: RunHandle): Promise<{ c: LiveTestClient; id: number }> {
  const c = await client(s);
  c.send({ type: 'subscribe', topics: [{ kind: 'overview' }] });
  const hello = await c.waitForMessage((m) => m.type === 'hello', 'hello');
  handle.log.info('following'); // the overview hears of the run when a line of it is committed
  const id = await runIdOf(c, handle);
  c.send({
    type: 'subscribe',
    topics: [{ kind: 'run', runId: id }],
    since: hello.type === 'hello' ? hello.cursor : 0,
    epoch: c.hello().epoch,
  });
  await waitFor(() => c.messages.filter((m) => m.type === 'hello').length === 2, 'the resumed hello');
  return { c, id };
}

async function waitForStored(s: InProcessServer, id: number, logCount: number): Promise<void> {
  let stored = 0;
  for (const deadline = Date.now() + 20_000; stored < logCount;) {
    if (Date.now() > deadline) throw new Error(`only ${stored} of ${logCount} lines stored`);
    stored = (await s.get<RunView>(`/api/runs/${id}`)).logCount;
  }
}

function numbered(c: LiveTestClient, runId: number): number[] {
  return c
    .lines(runId)
    .filter((l) => l.msg?.startsWith('line '))
    .map((l) => Number(l.msg?.slice(5)));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('live updates end to end', () => {
  it('pushes appended lines to a subscribed client, in order, each once', async () => {
    const s = await server();
    const r = run(s);
    const { c, id } = await followRun(s, r);
    for (let burst = 0; burst < 3; burst++) {
      for (let i = burst * 100; i < (burst + 1) * 100; i++) r.log.info({ i }, `line ${i}`);
      await waitFor(() => numbered(c, id).length === (burst + 1) * 100, `burst ${burst}`);
    }
    expect(numbered(c, id)).toEqual(range(0, 300));
    const offsets = c.lines(id).map((l) => l.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(new Set(offsets).size).toBe(offsets.length);
    // The run.start line came through the resume from the overview cursor.
    expect(c.lines(id)[0]?.offset).toBe(0);
  });

  it('a client that reconnects with its cursor gets exactly what it missed', async () => {
    const s = await server();
    const r = run(s);
    const { c: first, id } = await followRun(s, r);
    for (let i = 0; i < 100; i++) r.log.info(`line ${i}`);
    await waitFor(() => numbered(first, id).length === 100, 'the first 100 lines');
    const since = first.lastCursor();
    const epoch = first.hello().epoch;
    await first.close();

    for (let i = 100; i < 200; i++) r.log.info(`line ${i}`);
    const expectedLines = first.lines(id).length + 100;
    await waitForStored(s, id, expectedLines);

    const second = await client(s);
    second.send({ type: 'subscribe', topics: [{ kind: 'run', runId: id }], since, epoch });
    await waitFor(() => numbered(second, id).at(-1) === 199, 'the missed lines');
    expect(second.hello()).toMatchObject({ resumed: true, cursor: since });
    expect(numbered(second, id)).toEqual(range(100, 200));
  });

  it('a connection cut while lines stream resumes without gap or duplicate', async () => {
    const s = await server();
    const r = run(s);
    const { c: first, id } = await followRun(s, r);
    let written = 0;
    const writer = (async () => {
      while (written < 3000) {
        for (let i = 0; i < 50; i++) r.log.info(`line ${written++}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await waitFor(() => numbered(first, id).length >= 500, 'some lines before the cut');
    first.socket.terminate(); // abrupt: frames in flight are lost
    await first.closed();
    const second = await client(s);
    second.send({
      type: 'subscribe',
      topics: [{ kind: 'run', runId: id }],
      since: first.lastCursor(),
      epoch: first.hello().epoch,
    });
    await writer;
    await waitFor(() => numbered(second, id).at(-1) === 2999, 'every line');
    expect(second.hello().resumed).toBe(true);
    expect([...numbered(first, id), ...numbered(second, id)]).toEqual(range(0, 3000));
  });

  it('a client that stops reading delays neither ingest nor other clients, and learns what it skipped', async () => {
    const s = await server({ live: { highWaterBytes: 64 * 1024, stallTimeoutMs: 120_000 } });
    const r = run(s);
    const { c: slow, id } = await followRun(s, r);
    const { c: fast } = await followRun(s, r);
    slow.socket.pause();

    // ~1 KiB lines until the hub has had to drop lines for the stalled client (the kernel buffers a few MB first).
    const payload = 'x'.repeat(1000);
    let written = 0;
    while ((await s.metric('runboard_live_dropped_total')) === 0) {
      if (written >= 200_000) throw new Error('the stalled client was never held back');
      for (let i = 0; i < 2000; i++) r.log.info({ payload }, `line ${written++}`);
      await waitFor(() => numbered(fast, id).length === written, `the fast client to have ${written} lines`, {
        timeoutMs: 30_000,
      });
    }
    // Everything written reached the fast client and the database while the slow one was still stalled.
    expect(numbered(fast, id)).toEqual(range(0, written));
    const newest = await s.get<LogsResponse>(`/api/runs/${id}/logs?limit=1`);
    expect(newest.lines.map((l) => l.msg)).toEqual([`line ${written - 1}`]);
    expect(slow.closeCode).toBeNull();

    slow.socket.resume();
    await waitFor(() => slow.skipped(id).length > 0, 'the drained slow client to be told what it skipped');
    r.log.info(`line ${written++}`);
    await waitFor(() => numbered(slow, id).at(-1) === written - 1, 'the slow client to catch up with the last line');
    const skipped = slow.skipped(id);
    expect(skipped.length).toBeGreaterThan(0);
    const skippedCount = skipped.reduce((sum, m) => sum + m.count, 0);
    // Every numbered line was either delivered (in order, once) or counted in a skipped range.
    const delivered = numbered(slow, id);
    expect(delivered).toEqual([...new Set(delivered)].sort((a, b) => a - b));
    expect(delivered.length + skippedCount).toBe(written);
    // Each skipped range is exactly the lines REST returns between its offsets.
    const deliveredOffsets = new Set(slow.lines(id).map((l) => l.offset));
    for (const gap of skipped) {
      const params = new URLSearchParams({ before: String(gap.beforeOffset), limit: '2000' });
      if (gap.afterOffset >= 0) params.set('after', String(gap.afterOffset));
      let fetched = 0;
      let after = gap.afterOffset;
      for (;;) {
        if (after >= 0) params.set('after', String(after));
        const page = await s.get<LogsResponse>(`/api/runs/${id}/logs?${params.toString()}`);
        for (const line of page.lines) expect(deliveredOffsets.has(line.offset)).toBe(false);
        fetched += page.lines.length;
        const last = page.lines.at(-1);
        if (!page.hasNewer || !last || last.offset >= gap.beforeOffset - 1) break;
        after = last.offset;
      }
      expect(fetched).toBe(gap.count);
    }
  }, 120_000);

  it('closes a client stuck past the stall timeout with 4008', async () => {
    const s = await server({
      live: { highWaterBytes: 64 * 1024, stallTimeoutMs: 300 },
      liveRoute: { slowCloseGraceMs: 30_000 },
    });
    const r = run(s);
    const { c: stuck } = await followRun(s, r);
    const { c: other, id } = await followRun(s, r);
    stuck.socket.pause();
    const payload = 'x'.repeat(1000);
    let written = 0;
    while ((await s.metric('runboard_live_clients')) > 1) {
      if (written >= 200_000) throw new Error('the stuck client was never closed');
      for (let i = 0; i < 2000; i++) r.log.info({ payload }, `line ${written++}`);
      await waitFor(() => numbered(other, id).length === written, `the other client to have ${written} lines`, {
        timeoutMs: 30_000,
      });
    }
    stuck.socket.resume();
    await stuck.closed();
    expect(stuck.closeCode).toBe(4008);
    expect(stuck.closeReason).toBe('client too slow');
    expect(other.closeCode).toBeNull();
  }, 120_000);

  it('with a token, the socket needs it: 401 without, open with the bearer header or the login cookie', async () => {
    const token = 'live-test-token-0123456789';
    const s = await server({ token });
    await expect(LiveTestClient.open(s.wsUrl)).rejects.toThrow('HTTP 401');
    await expect(LiveTestClient.open(s.wsUrl, { headers: { authorization: 'Bearer wrong-token' } })).rejects.toThrow(
      'HTTP 401',
    );
    const withBearer = await client(s, { headers: { authorization: `Bearer ${token}` } });
    withBearer.send({ type: 'subscribe', topics: [{ kind: 'overview' }] });
    await withBearer.waitForMessage((m) => m.type === 'hello', 'hello with the bearer token');

    const login = await fetch(`${s.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const withCookie = await client(s, { headers: { cookie, origin: s.url } });
    withCookie.send({ type: 'subscribe', topics: [{ kind: 'overview' }] });
    await withCookie.waitForMessage((m) => m.type === 'hello', 'hello with the session cookie');
    // A page on another origin cannot ride the cookie into the socket (refused by the origin check, before auth).
    await expect(LiveTestClient.open(s.wsUrl, { headers: { cookie, origin: 'http://evil.example' } })).rejects.toThrow(
      'HTTP 403',
    );
  });

  it('upgrade requests answered over HTTP (401, 404, a plain route) do not hold up shutdown', async () => {
    const s = await startInProcessServer({ token: 'live-test-token-0123456789' });
    for (const path of ['/api/live', '/api/runs', '/api/health', '/no-such-page']) {
      await expect(LiveTestClient.open(s.wsUrl.replace('/api/live', path))).rejects.toThrow(/HTTP \d+/);
    }
    const open = await LiveTestClient.open(s.wsUrl, {
      headers: { authorization: 'Bearer live-test-token-0123456789' },
    });
    await s.close(); // would wait forever on a socket nobody reads
    await open.closed();
    expect(open.closeCode).toBe(1001);
  });
});
