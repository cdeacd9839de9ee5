// Token auth: every protected route refuses without it, accepts Bearer or the login cookie; health, session and
// the UI stay open; the live socket is behind the same check. Part of it over a real listening port.
import { connect as connectTcp, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Page, RunView, SessionView } from '../shared/api.js';
import { createLiveHub } from '../server/live-hub.js';
import { createLiveRoute } from '../server/routes/live.js';
import { SESSION_COOKIE, createTokenAuth } from '../server/auth.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';

const TOKEN = 'correct horse battery staple 0123456789';
let server: TestServer;
let base: string;
let runId: number;
const hub = createLiveHub();
const live = createLiveRoute(hub, { heartbeatMs: 60_000 });

/** Every protected GET with a URL that succeeds when authenticated. */
const protectedUrls = (): string[] => [
  '/api/ready',
  '/api/pipelines',
  '/api/runs',
  `/api/runs/${runId}`,
  `/api/runs/${runId}/logs`,
  `/api/runs/${runId}/log.ndjson`,
  `/api/runs/${runId}/errors`,
  '/api/errors',
  '/api/errors/groups',
  '/api/rejects',
  '/api/alerts',
  '/api/alerts/channels',
  '/api/openapi.json',
  '/metrics',
];

beforeAll(async () => {
  server = await testServer({ token: TOKEN, registerLive: (scope) => live.register(scope) });
  await recordRun(server.runsDir, { club: 'c', pipeline: 'p' }, (run) => run.log.info('hello'));
  await server.ingest();
  runId = (await server.app.inject({ url: '/api/runs', headers: { authorization: `Bearer ${TOKEN}` } })).json<
    Page<RunView>
  >().items[0]?.id as number;
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await live.closeAll(1001, 'test over', 1000);
  await server.close();
});

describe('without a token', () => {
  it('refuses every protected route with a JSON 401 and a Bearer challenge', async () => {
    for (const url of protectedUrls()) {
      const res = await server.app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="runboard"');
      expect(res.json()).toMatchObject({ error: 'Unauthorized', statusCode: 401 });
    }
  });

  it('refuses before validation or lookup: no 400 or 404 leaks what exists', async () => {
    expect((await server.app.inject({ url: '/api/runs?limit=abc' })).statusCode).toBe(401);
    expect((await server.app.inject({ url: '/api/runs/999999' })).statusCode).toBe(401);
  });

  it('keeps health and session open', async () => {
    expect((await server.app.inject({ url: '/api/health' })).statusCode).toBe(200);
    const session = await server.app.inject({ url: '/api/session' });
    expect(session.json<SessionView>()).toEqual({ authRequired: true, authenticated: false });
  });
});

describe('with a token', () => {
  it('accepts Bearer on every protected route', async () => {
    for (const url of protectedUrls()) {
      const res = await server.app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.statusCode, url).toBe(200);
    }
  });

  it.each([
    ['a wrong token', `Bearer ${TOKEN}x`],
    ['a prefix of it', `Bearer ${TOKEN.slice(0, 10)}`],
    ['an empty one', 'Bearer '],
    ['another scheme', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`],
  ])('refuses %s', async (_what, header) => {
    const res = await server.app.inject({ url: '/api/runs', headers: { authorization: header } });
    expect(res.statusCode).toBe(401);
  });

  it('still gives 400 and 404 once authenticated', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    expect((await server.app.inject({ url: '/api/runs?limit=abc', headers })).statusCode).toBe(400);
    expect((await server.app.inject({ url: '/api/runs/999999', headers })).statusCode).toBe(404);
  });
});

describe('browser login over a real HTTP connection', () => {
  async function login(token: string): Promise<Response> {
    return fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
  }

  it('refuses a wrong token without setting a cookie', async () => {
    const res = await login('nope');
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('400s a login without a token or with a huge body', async () => {
    const empty = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { message: string }).message).toContain('"token"');
    const huge = await login('x'.repeat(64 * 1024));
    expect(huge.status).toBe(413);
  });

  it('sets an HttpOnly SameSite=Strict cookie that is not the token, and the cookie opens the API', async () => {
    const res = await login(TOKEN);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ authRequired: true, authenticated: true });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain(encodeURIComponent(TOKEN));
    const cookie = setCookie.split(';')[0] as string;

    const runs = await fetch(`${base}/api/runs`, { headers: { cookie } });
    expect(runs.status).toBe(200);
    const session = await fetch(`${base}/api/session`, { headers: { cookie } });
    expect(await session.json()).toEqual({ authRequired: true, authenticated: true });

    // Same origin (as a browser sends it) is fine; a page on another origin — even another localhost port —
    // may not ride on the cookie.
    expect((await fetch(`${base}/api/runs`, { headers: { cookie, origin: base } })).status).toBe(200);
    const foreign = await fetch(`${base}/api/runs`, { headers: { cookie, origin: 'http://127.0.0.1:1' } });
    expect(foreign.status).toBe(401);
    expect(((await foreign.json()) as { message: string }).message).toContain('another origin');

    const forged = await fetch(`${base}/api/runs`, { headers: { cookie: `${SESSION_COOKIE}=${'0'.repeat(64)}` } });
    expect(forged.status).toBe(401);
  });

  it('logout clears the cookie', async () => {
    const res = await fetch(`${base}/api/logout`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Expires=Thu, 01 Jan 1970`));
  });
});

describe('the live socket behind the same check', () => {
  function connect(headers: Record<string, string>): Promise<{ opened: boolean; status?: number; socket?: WebSocket }> {
    return new Promise((resolve) => {
      const socket = new WebSocket(`${base.replace('http', 'ws')}/api/live`, { headers });
      socket.once('open', () => resolve({ opened: true, socket }));
      socket.once('unexpected-response', (_req, res) => {
        resolve({ opened: false, status: res.statusCode });
        socket.terminate();
      });
      socket.once('error', () => resolve({ opened: false }));
    });
  }
  let cookie = '';
  beforeAll(async () => {
    const res = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKEN }),
    });
    cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  });

  it('refuses the upgrade without credentials or with a wrong token', async () => {
    expect(await connect({})).toEqual({ opened: false, status: 401 });
    expect(await connect({ authorization: 'Bearer wrong' })).toEqual({ opened: false, status: 401 });
  });

  it('closes the connection of a refused upgrade (no half-open sockets left behind)', async () => {
    const { port } = server.app.server.address() as AddressInfo;
    const socket = connectTcp(port, '127.0.0.1');
    socket.write(
      `GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    // The server ends the connection by itself; the deadline only bounds a failure.
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('server left the refused upgrade open')), 10_000);
      socket.once('end', () => {
        clearTimeout(deadline);
        resolve();
      });
    });
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('refuses the session cookie from a foreign origin (cross-site WebSocket hijacking)', async () => {
    // The origin check (host-guard.ts) answers first, before the token check.
    expect(await connect({ cookie, origin: 'http://evil.example' })).toEqual({ opened: false, status: 403 });
  });

  it('opens with the session cookie from the same origin, or with Bearer', async () => {
    const ways: Array<Record<string, string>> = [{ cookie, origin: base }, { authorization: `Bearer ${TOKEN}` }];
    for (const headers of ways) {
      const result = await connect(headers);
      expect(result.opened).toBe(true);
      result.socket?.close();
    }
  });
});

describe('token comparison', () => {
  it('matches only the exact token, whatever the lengths', () => {
    const options = { db: server.db, sessionTtlMs: 60_000, failureLimit: { maxFailures: 10, windowMs: 60_000 } };
    const secret = 's3cret-0123456789';
    const auth = createTokenAuth({ ...options, token: secret });
    expect(auth.tokenMatches(secret)).toBe(true);
    for (const other of ['', secret.slice(0, -1), `${secret}t`, secret.toUpperCase(), `${secret}\0`]) {
      expect(auth.tokenMatches(other)).toBe(false);
    }
    expect(createTokenAuth({ ...options, token: null }).tokenMatches('anything')).toBe(false);
  });
});
