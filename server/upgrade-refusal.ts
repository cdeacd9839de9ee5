// A WebSocket upgrade answered over HTTP (refused) must also end its connection.
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A refused upgrade has no HTTP server behind it to close the connection after the response (@fastify/websocket's
 * own cleanup hook runs after the hook that refused and is skipped), so end it once the response is written.
 */
export function closeAfterRefusal(request: FastifyRequest, reply: FastifyReply): void {
  if (request.headers.upgrade === undefined) return;
  const socket = request.raw.socket;
  reply.header('connection', 'close');
  reply.raw.once('finish', () => socket.end(() => socket.destroy()));
}
