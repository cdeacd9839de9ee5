// DNS rebinding and cross-site WebSocket reads, in the default mode (no token): a request naming another Host is
// refused before any route, and the live socket opens only for our own origin (or none: a non-browser client).
// Over a real listening port, with raw HTTP so the Host and Origin headers are exactly what an attacker sends.
import { request as httpRequest } from 'node:http';
import { connect as connectTcp, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { ApiError } from '../shared/api.js';
import { createLiveHub } from '../server/live-hub.js';
import { createLiveRoute, type LiveRoute } from '../server/routes/live.js';
import type { HostPolicyOptions } from '../server/host-policy.js';
import { LiveTestClient } from './fixtures/live-client.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';

interface Listening {
  server: TestServer;
  live: LiveRoute;
  port: number;
}

async function listening(hosts?: HostPolicyOptions): Promise<Listening> {
  const live = createLiveRoute(createLiveHub(), { heartbeatMs: 60_000 });
  const server = await testServer({ registerLive: (scope) => live.register(scope), ...(hosts ? { hosts } : {}) });
  await recordRun(server.runsDir, { club: 'c', pipeline: 'p' }, (run) => run.log.info('secret line'));
  await server.ingest();
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  return { server, live, port: (server.app.server.address() as AddressInfo).port };
}

async function stop(l: Listening): Promise<void> {
  await l.live.closeAll(1001, 'test over', 1000);
  await l.server.close();
}

/** A GET with exactly this Host header (fetch would not let us set it). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw WebSocket upgrade; resolves with everything the server sent once it ends the connection. */
function rawUpgrade(port: number, headers: Record<string, string>): Promise<string> {
  const socket = connectTcp(port, '127.0.0.1');
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(
    'GET /api/live HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`,
  );
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  return new Promise((resolve, reject) => {
    // The server ends a refused upgrade by itself; the deadline only bounds a failure.
    const deadline = setTimeout(() => {
      socket.destroy();
      reject(new Error(`server left the connection open; received: ${received.slice(0, 200)}`));
    }, 10_000);
    socket.once('close', () => {
      clearTimeout(deadline);
      resolve(received);
    });
  });
}

/** Opens the live socket and waits for its hello: proof that data would flow. */
async function openLive(url: string, options: WebSocket.ClientOptions = {}): Promise<LiveTestClient> {
  const client = await LiveTestClient.open(url, options);
  client.send({ type: 'subscribe', topics: [{ kind: 'overview' }] });
  await client.waitForMessage((m) => m.type === 'hello', `hello for ${JSON.stringify(options)}`);
  return client;
}

describe('default mode (127.0.0.1, no token)', () => {
  let l: Listening;
  beforeAll(async () => {
    l = await listening();
  });
  afterAll(() => stop(l));

  it.each(['/api/runs', '/api/pipelines', '/api/health', '/', '/metrics'])(
    'refuses %s for Host: evil.example:PORT with a JSON 421',
    async (path) => {
      const res = await getWithHost(l.port, path, `evil.example:${l.port}`);
      expect(res.status).toBe(421);
      const body = JSON.parse(res.body) as ApiError;
      expect(body.statusCode).toBe(421);
      expect(body.message).toContain('evil.example');
      expect(body.message).toContain('--allowed-host');
      expect(res.body).not.toContain('secret line');
    },
  );

  it('refuses our own name on another port, and a malformed Host', async () => {
    expect((await getWithHost(l.port, '/api/runs', '127.0.0.1:1')).status).toBe(421);
    expect((await getWithHost(l.port, '/api/runs', 'localhost')).status).toBe(421);
    expect((await getWithHost(l.port, '/api/runs', 'a@b:1')).status).toBe(421);
  });

  it.each(['127.0.0.1', 'localhost', 'LOCALHOST'])('answers Host: %s:PORT', async (name) => {
    const res = await getWithHost(l.port, '/api/runs', `${name}:${l.port}`);
    expect(res.status).toBe(200);
  });

  it('gives a WebSocket from Origin http://evil.example nothing but a 403', async () => {
    const received = await rawUpgrade(l.port, { host: `127.0.0.1:${l.port}`, origin: 'http://evil.example' });
    expect(received).toMatch(/^HTTP\/1\.1 403 /);
    expect(received).not.toContain('101 Switching');
    expect(received).not.toContain('hello');
    expect(received).toContain('may not open the live socket');
  });

  it('gives a rebound WebSocket (Host evil.example, same-origin to the browser) nothing but a 421', async () => {
    const evil = `evil.example:${l.port}`;
    const received = await rawUpgrade(l.port, { host: evil, origin: `http://${evil}` });
    expect(received).toMatch(/^HTTP\/1\.1 421 /);
    expect(received).not.toContain('hello');
  });

  it('refuses a foreign origin with the ws client too, and a "null" origin (sandboxed page)', async () => {
    const url = `ws://127.0.0.1:${l.port}/api/live`;
    await expect(LiveTestClient.open(url, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(LiveTestClient.open(url, { origin: `http://127.0.0.1:${l.port + 1}` })).rejects.toThrow('HTTP 403');
    await expect(LiveTestClient.open(url, { headers: { origin: 'null' } })).rejects.toThrow('HTTP 403');
  });

  it('opens the socket for the same origin and for a client sending no Origin', async () => {
    const url = `ws://127.0.0.1:${l.port}/api/live`;
    for (const options of [{ origin: `http://127.0.0.1:${l.port}` }, {}]) (await openLive(url, options)).socket.close();
    const viaLocalhost = await openLive(`ws://localhost:${l.port}/api/live`, { origin: `http://localhost:${l.port}` });
    viaLocalhost.socket.close();
  });
});

describe('configured names (--public-url, --allowed-host, --allowed-origin)', () => {
  let l: Listening;
  beforeAll(async () => {
    l = await listening({
      bindHost: '127.0.0.1',
      publicUrl: 'https://runboard.example.org/',
      allowedHosts: ['dash.internal', 'pinned.internal:8443'],
      allowedOrigins: ['http://localhost:5173'],
    });
  });
  afterAll(() => stop(l));

  it('answers the configured names, and still refuses others', async () => {
    for (const host of ['runboard.example.org', 'dash.internal', `dash.internal:${l.port}`, 'pinned.internal:8443']) {
      expect((await getWithHost(l.port, '/api/runs', host)).status, host).toBe(200);
    }
    for (const host of ['pinned.internal', 'evil.example', 'example.org']) {
      expect((await getWithHost(l.port, '/api/runs', host)).status, host).toBe(421);
    }
  });

  it('opens the socket for the public origin and the allowed origin, not for others', async () => {
    const url = `ws://127.0.0.1:${l.port}/api/live`;
    for (const origin of ['https://runboard.example.org', 'http://localhost:5173']) {
      (await openLive(url, { origin })).socket.close();
    }
    // Behind the proxy the browser's origin is https while the proxied Host is the same name: same origin.
    const proxied = await openLive(url, {
      headers: { host: 'runboard.example.org' },
      origin: 'https://runboard.example.org',
    });
    proxied.socket.close();
    await expect(LiveTestClient.open(url, { origin: 'http://localhost:5174' })).rejects.toThrow('HTTP 403');
  });
});
