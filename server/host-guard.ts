// onRequest hook on every request (API, socket, UI, health): refuse a Host that is not this server (421), and a
// WebSocket upgrade or a write (POST, DELETE, ...) from a foreign Origin (403), before any route, token check or
// data. Writes too: without a token nothing else stops another site's page from posting to 127.0.0.1 (a form or a
// no-cors fetch is sent, only its answer is hidden). Browsers send Origin on every such request. See host-policy.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HostPolicy } from './host-policy.js';
import { sendError } from './routes/http-errors.js';
import { closeAfterRefusal } from './upgrade-refusal.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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
    if (request.headers.upgrade === undefined && SAFE_METHODS.has(request.method)) return;
    // Fetch metadata: a browser too old to send Origin still says a request is cross-site.
    const originProblem =
      policy.originProblem(request.headers.origin, host) ??
      (request.headers['sec-fetch-site'] === 'cross-site' ? 'a cross-site request may not change anything' : null);
    if (originProblem !== null) {
      closeAfterRefusal(request, reply);
      await sendError(reply, 403, originProblem);
    }
  };
}
