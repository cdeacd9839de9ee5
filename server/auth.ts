// Token auth for the API, /metrics and the live socket: `Authorization: Bearer <token>`, or the session
// cookie that `POST /api/login` sets so a browser's WebSocket (which can't send headers) is authenticated too.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './routes/http-errors.js';
import { closeAfterRefusal } from './upgrade-refusal.js';

export const SESSION_COOKIE = 'runboard_session';
/** How long a browser stays logged in. */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 3600;

export interface TokenAuth {
  /** True when a token is configured (otherwise everything is open). */
  readonly required: boolean;
  /** Constant-time check of a presented token. */
  tokenMatches(presented: string): boolean;
  /** The cookie value that proves a login; derived from the token so the cookie never holds the token itself. */
  sessionValue(): string;
  sessionMatches(presented: string): boolean;
  /** Why a request is not authenticated, or null when it is. */
  rejection(request: FastifyRequest): string | null;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Equal-length digests make timingSafeEqual usable and hide the token's length. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  // The rest of the header, so a configured token with spaces in it still works.
  const match = /^Bearer +(\S(?:.*\S)?)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * A cookie is sent by the browser whatever page started the request, and cookies ignore ports: a page on
 * another localhost port is "same-site". CORS keeps it from reading JSON, but not from opening a WebSocket,
 * so a cookie only counts when the request's Origin (if any) is this very host.
 */
function crossOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

export function createTokenAuth(token: string | null): TokenAuth {
  const session = token === null ? '' : createHmac('sha256', token).update('runboard-session-v1').digest('hex');
  const auth: TokenAuth = {
    required: token !== null,
    tokenMatches: (presented) => token !== null && sameSecret(presented, token),
    sessionValue: () => session,
    sessionMatches: (presented) => token !== null && sameSecret(presented, session),
    rejection(request) {
      if (token === null) return null;
      const bearer = bearerToken(request.headers.authorization);
      if (bearer !== null) return auth.tokenMatches(bearer) ? null : 'invalid token';
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie !== undefined && cookie !== '') {
        if (!auth.sessionMatches(cookie)) return 'invalid or expired session; log in again';
        if (crossOrigin(request)) return 'session cookie sent from another origin';
        return null;
      }
      return 'a token is required: send `Authorization: Bearer <token>` or log in with POST /api/login';
    },
  };
  return auth;
}

/** onRequest hook for the protected scope. */
export function requireToken(auth: TokenAuth) {
  return async function checkToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const reason = auth.rejection(request);
    if (reason === null) return;
    reply.header('www-authenticate', 'Bearer realm="runboard"');
    closeAfterRefusal(request, reply);
    await sendError(reply, 401, reason);
  };
}
