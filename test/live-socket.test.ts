// The /api/live socket shell on a real listening Fastify with real `ws` clients: untrusted input, size bound,
// heartbeat, going-away on shutdown. Changes are published straight into the hub (ingest is covered elsewhere).
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_GOING_AWAY, createLiveHub, type LiveHub } from '../server/live-hub.js';
import { MAX_CLIENT_MESSAGE_BYTES } from '../server/live-protocol.js';
import { createLiveRoute, type LiveRoute, type LiveRouteOptions } from '../server/routes/live.js';
import { LiveTestClient } from './fixtures/live-client.js';
import { linesChange } from './fixtures/live-rows.js';
import { waitFor } from './fixtures/live-wait.js';

interface Server {
  app: FastifyInstance;
  hub: LiveHub;
  live: LiveRoute;
  url: string;
}

const servers: Server[] = [];
const clients: LiveTestClient[] = [];

async function server(options: LiveRouteOptions = {}): Promise<Server> {
  const app = Fastify();
  const hub = createLiveHub();
  const live = createLiveRoute(hub, options);
  await live.register(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const created = { app, hub, live, url: `ws://127.0.0.1:${address.port}/api/live` };
  servers.push(created);
  return created;
}

async function client(url: string, options = {}): Promise<LiveTestClient> {
  const opened = await LiveTestClient.open(url, options);
  clients.push(opened);
  return opened;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.terminate();
  for (const s of servers.splice(0)) {
    await s.live.closeAll(CLOSE_GOING_AWAY, 'test over', 100);
    await s.app.close();
  }
});

describe('/api/live socket', () => {
  it('subscribes and streams published lines', async () => {
    const { url, hub } = await server();
    const c = await client(url);
    c.send({ type: 'subscribe', topics: [{ kind: 'run', runId: 3 }] });
    await c.waitForMessage((m) => m.type === 'hello', 'hello');
    hub.publish(linesChange(3, 0, 2));
    await waitFor(() => c.lines(3).length === 2, 'two lines');
    expect(c.lines(3).map((l) => l.offset)).toEqual([0, 100]);
  });

  it('answers malformed messages with an error and keeps the connection', async () => {
    const { url } = await server();
    const c = await client(url);
    c.send('{not json');
    c.send('[1,2]');
    c.send(JSON.stringify({ type: 'unsubscribe' }));
    c.send(JSON.stringify({ type: 'subscribe', topics: [{ kind: 'run', runId: -1 }] }));
    c.send(JSON.stringify({ type: 'subscribe', topics: [], since: 'yesterday' }));
    c.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    await waitFor(() => c.messages.length === 6, 'six error replies');
    expect(c.messages).toEqual([
      { type: 'error', message: 'message is not valid JSON' },
      { type: 'error', message: 'message must be a JSON object' },
      { type: 'error', message: 'unknown message type (expected "subscribe")' },
      { type: 'error', message: 'topic "run" needs a positive integer runId' },
      { type: 'error', message: 'since must be a non-negative integer cursor' },
      { type: 'error', message: 'binary messages are not supported' },
    ]);
    c.send({ type: 'subscribe', topics: [{ kind: 'overview' }] });
    await c.waitForMessage((m) => m.type === 'hello', 'hello after the bad messages');
  });

  it('closes a client that sends a message over the size bound with 1009', async () => {
    const { url } = await server();
    const c = await client(url);
    c.send(JSON.stringify({ type: 'subscribe', topics: [], pad: 'x'.repeat(MAX_CLIENT_MESSAGE_BYTES) }));
    await c.closed();
    expect(c.closeCode).toBe(1009);
  });

  it('terminates a connection that stops answering pings, and keeps one that answers', async () => {
    const { url, hub } = await server({ heartbeatMs: 250 });
    const dead = await client(url, { autoPong: false });
    const alive = await client(url);
    await dead.closed();
    expect(dead.closeCode).toBe(1006); // terminated: no close frame
    await waitFor(() => hub.clientCount === 1, 'the dead client to be forgotten');
    expect(alive.closeCode).toBeNull();
  });

  it('closes every socket with 1001 going away on shutdown, even one that stopped reading', async () => {
    const { url, live, hub } = await server();
    const reading = await client(url);
    const paused = await client(url);
    paused.socket.pause();
    await live.closeAll(CLOSE_GOING_AWAY, 'server shutting down', 200);
    await reading.closed();
    expect(reading.closeCode).toBe(1001);
    expect(reading.closeReason).toBe('server shutting down');
    expect(hub.clientCount).toBe(0);
    paused.socket.resume();
    await paused.closed();
    expect([1001, 1006]).toContain(paused.closeCode);
  });
});
