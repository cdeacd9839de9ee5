// GET /api/live: the live WebSocket. Registered by buildApp inside the authenticated scope, so the upgrade
// request passes the same token/cookie check as the REST API. The socket is a thin shell: parse (bounded,
// never throws) → hub; hub frames → socket; ping/pong heartbeat terminates dead connections.
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { LiveServerMessage } from '../../shared/api.js';
import { CLOSE_GOING_AWAY, CLOSE_TOO_SLOW, type LiveHub, type LiveSink } from '../live-hub.js';
import { MAX_CLIENT_MESSAGE_BYTES, parseClientMessage } from '../live-protocol.js';

export interface LiveRouteOptions {
  /** Ping interval; a socket that has not answered the previous ping by the next one is terminated. */
  heartbeatMs?: number;
  /** After a 4008 close, how long a stalled socket may take to read it before it is destroyed. */
  slowCloseGraceMs?: number;
}

/** An upgrade request answered over HTTP (not upgraded) is closed after this much silence. */
const UNANSWERED_UPGRADE_TIMEOUT_MS = 10_000;

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function socketSink(socket: WebSocket, slowCloseGraceMs: number): LiveSink {
  return {
    send: (frame) => socket.send(frame),
    bufferedAmount: () => socket.bufferedAmount,
    close(code, reason) {
      socket.close(code, reason);
      if (code === CLOSE_TOO_SLOW) {
        // The close frame waits behind everything the client has not read; a stalled client never gets to it.
        setTimeout(() => socket.terminate(), slowCloseGraceMs).unref();
      }
    },
  };
}

export interface LiveRoute {
  /** The `registerLive` hook for buildApp. */
  register(app: FastifyInstance): Promise<void>;
  /**
   * Shutdown: closes every socket with `code` and waits up to `graceMs` for the close handshakes, then destroys
   * what is left (a client that stopped reading never answers), so the HTTP server can close promptly.
   */
  closeAll(code: number, reason: string, graceMs: number): Promise<void>;
}

export function createLiveRoute(hub: LiveHub, options: LiveRouteOptions = {}): LiveRoute {
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const slowCloseGraceMs = options.slowCloseGraceMs ?? 5_000;
  const sockets = new Set<WebSocket>();
  /** Every raw socket that asked for an upgrade and is still open, whatever became of the request. */
  const upgradeSockets = new Set<Duplex>();

  async function closeAll(code: number, reason: string, graceMs: number): Promise<void> {
    hub.close(code, reason);
    const open = [...sockets];
    const closed = open.map((socket) =>
      socket.readyState === socket.CLOSED
        ? Promise.resolve()
        : new Promise<void>((r) => socket.once('close', () => r())),
    );
    for (const socket of open) socket.close(code, reason);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const socket of open) if (socket.readyState !== socket.CLOSED) socket.terminate();
    for (const socket of upgradeSockets) socket.destroy();
  }

  async function register(app: FastifyInstance): Promise<void> {
    if (!app.hasDecorator('websocketServer')) {
      await app.register(websocket, {
        options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES },
        // Fastify's close: going-away for whoever is still connected (main.ts has usually done so already).
        preClose(done) {
          hub.close(CLOSE_GOING_AWAY, 'server shutting down');
          for (const client of this.websocketServer.clients) client.close(CLOSE_GOING_AWAY, 'server shutting down');
          this.websocketServer.close();
          done();
        },
      });
    }

    // Upgrade requests to any path (the plugin's listener, added above, dispatches them first). One answered over
    // HTTP (a 404 outside this scope) is never read again by anyone: give it an idle timeout so it cannot
    // linger; ws clears the timeout (setTimeout(0)) on sockets it upgrades, and the heartbeat keeps those busy.
    app.server.on('upgrade', (_request: IncomingMessage, socket: Duplex) => {
      upgradeSockets.add(socket);
      socket.once('close', () => upgradeSockets.delete(socket));
      if (socket instanceof Socket) socket.setTimeout(UNANSWERED_UPGRADE_TIMEOUT_MS, () => socket.destroy());
    });

    // An upgrade answered over HTTP instead (401 from the auth hook, 404) leaves a socket that Node no longer
    // reads: nothing notices the client going away and server.close() waits on it forever. @fastify/websocket
    // ends such sockets itself only when it is registered before the hook that answered; here it may not be.
    app.addHook('onResponse', (request, _reply, done) => {
      if (request.headers.upgrade !== undefined && request.ws !== true) {
        const socket = request.raw.socket;
        socket.end();
        setTimeout(() => socket.destroy(), 1_000).unref();
      }
      done();
    });

    const alive = new WeakMap<WebSocket, boolean>();
    const heartbeat = setInterval(() => {
      for (const socket of sockets) {
        if (alive.get(socket) === false) {
          socket.terminate();
          continue;
        }
        alive.set(socket, false);
        socket.ping();
      }
    }, heartbeatMs);
    heartbeat.unref();
    app.addHook('onClose', (_instance, done) => {
      clearInterval(heartbeat);
      done();
    });

    app.get('/api/live', { websocket: true }, (socket, request) => {
      sockets.add(socket);
      alive.set(socket, true);
      socket.on('pong', () => alive.set(socket, true));
      const connection = hub.connect(socketSink(socket, slowCloseGraceMs));
      socket.on('message', (data, isBinary) => {
        alive.set(socket, true);
        const parsed = isBinary
          ? ({ ok: false, problem: 'binary messages are not supported' } as const)
          : parseClientMessage(rawText(data));
        if (parsed.ok) {
          connection.handle(parsed.message);
        } else {
          const reply: LiveServerMessage = { type: 'error', message: parsed.problem };
          socket.send(JSON.stringify(reply));
        }
      });
      socket.on('close', () => {
        sockets.delete(socket);
        connection.disconnect();
      });
      socket.on('error', (error) => request.log.debug({ err: error }, 'live socket error'));
    });
  }

  return { register, closeAll };
}
