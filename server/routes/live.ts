// GET /api/live: the live WebSocket. Registered by buildApp inside the authenticated scope, so the upgrade
// request passes the same token/cookie check as the REST API. The socket is a thin shell: parse (bounded,
// never throws) → hub; hub frames → socket; ping/pong heartbeat terminates dead connections.
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

/** The `registerLive` hook for buildApp. */
export function liveRoute(hub: LiveHub, options: LiveRouteOptions = {}) {
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const slowCloseGraceMs = options.slowCloseGraceMs ?? 5_000;

  return async function registerLive(app: FastifyInstance): Promise<void> {
    if (!app.hasDecorator('websocketServer')) {
      await app.register(websocket, {
        options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES },
        preClose(done) {
          hub.close(CLOSE_GOING_AWAY, 'server shutting down');
          for (const client of this.websocketServer.clients) client.close(CLOSE_GOING_AWAY, 'server shutting down');
          done();
        },
      });
    }

    const alive = new WeakMap<WebSocket, boolean>();
    const sockets = new Set<WebSocket>();
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
  };
}
