// Sessions are revocable: each login gets its own random id stored (hashed) in SQLite; logout deletes it, it
// expires after the configured time, and a changed token ends it. Bad logins and bad bearer tokens are throttled
// per client address. Over a real listening port, except where inject() simulates another client address.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SESSION_COOKIE } from '../server/auth.js';
import { buildApp } from '../server/app.js';
import { createLiveHub } from '../server/live-hub.js';
import { createMetrics } from '../server/metrics.js';
import { createLiveRoute } from '../server/routes/live.js';
import { testServer, type TestServer } from './helpers/seed-server.js';

const TOKEN = 'a-session-test-token-0123456789';
const TTL_MS = 3 * 3600_000;
let server: TestServer;
let base: string;
const live = createLiveRoute(createLiveHub(), { heartbeatMs: 60_000 });

beforeAll(async () => {
  server = await testServer({
    token: TOKEN,
    sessionTtlMs: TTL_MS,
    registerLive: (scope) => live.register(scope),
    // High enough for this file's handful of failures; the throttling tests below use their own servers.
    failureLimit: { maxFailures: 1000, windowMs: 60_000 },
  });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await live.closeAll(1001, 'test over', 1000);
  await server.close();
});

async function login(): Promise<{ cookie: string; setCookie: string }> {
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: TOKEN }),
  });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] as string, setCookie };
}

const runsWith = async (cookie: string): Promise<number> =>
  (await fetch(`${base}/api/runs`, { headers: { cookie } })).status;

function upgradeStatus(cookie: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/api/live`, { headers: { cookie } });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (request, res) => {
      request.destroy();
      resolve(res.statusCode ?? 0);
    });
    socket.once('error', () => resolve(0));
  });
}

describe('sessions', () => {
  it('gives every login its own cookie, valid for the configured time', async () => {
    const first = await login();
    const second = await login();
    expect(first.cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    expect(first.cookie).not.toBe(second.cookie);
    expect(first.setCookie).toContain(`Max-Age=${TTL_MS / 1000}`);
    expect(await runsWith(first.cookie)).toBe(200);
    expect(await runsWith(second.cookie)).toBe(200);
  });

  it('refuses the old cookie after logout, on the API and the socket, and leaves other sessions alone', async () => {
    const mine = await login();
    const other = await login();
    expect(await upgradeStatus(mine.cookie)).toBe(101);
    const out = await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie: mine.cookie } });
    expect(out.status).toBe(200);
    expect(await runsWith(mine.cookie)).toBe(401);
    expect(await upgradeStatus(mine.cookie)).toBe(401);
    const session = await fetch(`${base}/api/session`, { headers: { cookie: mine.cookie } });
    expect(await session.json()).toEqual({ authRequired: true, authenticated: false });
    expect(await runsWith(other.cookie)).toBe(200);
  });

  it('refuses an expired session', async () => {
    const { cookie } = await login();
    expect(await runsWith(cookie)).toBe(200);
    // Age every stored session past its expiry, as the clock would.
    server.db.$client.prepare('UPDATE sessions SET expires_at = ?').run(Date.now() - 1);
    expect(await runsWith(cookie)).toBe(401);
  });

  it('stores no cookie that would log anyone in', async () => {
    const { cookie } = await login();
    const value = cookie.slice(cookie.indexOf('=') + 1);
    const stored = server.db.$client.prepare('SELECT * FROM sessions').all() as Array<Record<string, unknown>>;
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain(value);
    expect(JSON.stringify(stored)).not.toContain(TOKEN);
  });

  it('ends every session when the token changes', async () => {
    const { cookie } = await login();
    const rotated = await buildApp({
      db: server.db,
      runsDir: server.runsDir,
      token: 'a-new-token-after-rotation-0123',
      webDir: null,
      isReady: () => true,
      metrics: createMetrics(),
      logger: false,
    });
    try {
      const res = await rotated.inject({ url: '/api/runs', headers: { cookie } });
      expect(res.statusCode).toBe(401);
    } finally {
      await rotated.close();
    }
  });
});

describe('throttling failed attempts per client address', () => {
  const MAX = 3;
  let limited: TestServer;
  beforeAll(async () => {
    limited = await testServer({ token: TOKEN, failureLimit: { maxFailures: MAX, windowMs: 15 * 60_000 } });
  });
  afterAll(() => limited.close());

  const loginFrom = (remoteAddress: string, token: string) =>
    limited.app.inject({ method: 'POST', url: '/api/login', remoteAddress, payload: { token } });
  const bearerFrom = (remoteAddress: string, token: string) =>
    limited.app.inject({ url: '/api/runs', remoteAddress, headers: { authorization: `Bearer ${token}` } });

  it(`answers the ${MAX + 1}th bad login within the window with 429, even with the right token`, async () => {
    for (let i = 0; i < MAX; i++) expect((await loginFrom('10.0.0.1', `wrong-${i}`)).statusCode).toBe(401);
    const throttled = await loginFrom('10.0.0.1', 'wrong-again');
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled.json()).toMatchObject({ statusCode: 429 });
    expect(throttled.headers['set-cookie']).toBeUndefined();
    expect((await loginFrom('10.0.0.1', TOKEN)).statusCode).toBe(429);
    // Another client is not affected.
    expect((await loginFrom('10.0.0.2', TOKEN)).statusCode).toBe(200);
  });

  it('throttles bad bearer tokens the same way', async () => {
    for (let i = 0; i < MAX; i++) expect((await bearerFrom('10.0.1.1', `wrong-${i}`)).statusCode).toBe(401);
    expect((await bearerFrom('10.0.1.1', 'wrong-again')).statusCode).toBe(429);
    expect((await bearerFrom('10.0.1.1', TOKEN)).statusCode).toBe(429);
    expect((await bearerFrom('10.0.1.2', TOKEN)).statusCode).toBe(200);
  });

  it('does not count requests that present no credentials', async () => {
    for (let i = 0; i < MAX + 2; i++) {
      expect((await limited.app.inject({ url: '/api/runs', remoteAddress: '10.0.2.1' })).statusCode).toBe(401);
    }
    expect((await bearerFrom('10.0.2.1', TOKEN)).statusCode).toBe(200);
  });
});
