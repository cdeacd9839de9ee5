// preHandler for API writes (POST that act, not the login): a browser request must come from this server's own
// pages. The token check runs first (onRequest); this adds what a token cannot: with no token configured, or a
// session cookie the browser attaches to any request, a page on another site could still make the operator's
// browser POST here. Browsers send Origin on every POST, so a foreign or opaque ("null") Origin is refused with 403;
// a client with no Origin (curl, scripts) is not a browser and is judged by its token alone.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HostPolicy } from './host-policy.js';
import { sendError } from './routes/http-errors.js';

export function requireSameOrigin(policy: HostPolicy) {
  return async function checkWriteOrigin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const problem = policy.originProblem(request.headers.origin, request.headers.host, 'send writes to this server');
    // Fetch metadata: a browser too old to send Origin still says a request is cross-site.
    const crossSite = request.headers['sec-fetch-site'] === 'cross-site';
    if (problem === null && !crossSite) return;
    await sendError(reply, 403, problem ?? 'a cross-site request may not send writes to this server');
  };
}
