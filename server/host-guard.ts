// onRequest hook on every request (API, socket, UI, health): refuse a Host that is not this server (421) and a
// WebSocket upgrade from a foreign Origin (403), before any route, token check or data. See host-policy.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HostPolicy } from './host-policy.js';
import { sendError } from './routes/http-errors.js';
import { closeAfterRefusal } from './upgrade-refusal.js';

export function guardHostAndOrigin(policy: HostPolicy) {
  return async function checkHostAndOrigin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const socket = request.raw.socket;
    const host = request.headers.host;
    // inject() has no real socket: its local address and port are undefined, and only the names are checked.
    const hostProblem = policy.hostProblem(host, { address: socket.localAddress, port: socket.localPort });
    if (hostProblem !== null) {
      closeAfterRefusal(request, reply);
      await sendError(reply, 421, hostProblem);
      return;
    }
    if (request.headers.upgrade === undefined) return;
    const originProblem = policy.originProblem(request.headers.origin, host);
    if (originProblem !== null) {
      closeAfterRefusal(request, reply);
      await sendError(reply, 403, originProblem);
    }
  };
}
