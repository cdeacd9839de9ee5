// Token auth for the API, /metrics and the live socket: `Authorization: Bearer <token>`, or the session cookie
// that `POST /api/login` sets so a browser's WebSocket (which can't send headers) is authenticated too. Sessions
// live in SQLite (session-store.ts); wrong tokens, at login or as Bearer, are throttled per client address.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../shared/db.js';
import { createFailureLimiter, type FailureLimitOptions } from './failure-limiter.js';
import { sendError } from './routes/http-errors.js';
import { createSessionStore } from './queries/sessions.js';
import { closeAfterRefusal } from './upgrade-refusal.js';

export const SESSION_COOKIE = 'runboard_session';
/** How long a browser stays logged in unless configured (`--session-ttl`). */
export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 3600_000;

export type AuthRefusal =
  | { ok: false; statusCode: 401; reason: string }
  | { ok: false; statusCode: 429; reason: string; retryAfterSeconds: number };

export interface TokenAuth {
  /** True when a token is configured (otherwise everything is open). */
  readonly required: boolean;
  /** The login cookie's Max-Age. */
  readonly sessionMaxAgeSeconds: number;
  /** Constant-time check of a presented token. */
  tokenMatches(presented: string): boolean;
  /** A protected request: allowed, or refused (a wrong Bearer token counts against the client's address). */
  authenticate(request: FastifyRequest): { ok: true } | AuthRefusal;
  /** GET /api/session: whether the request is authenticated, without counting anything. */
  isAuthenticated(request: FastifyRequest): boolean;
  /** POST /api/login: a new session's cookie value, or why not (a wrong token counts against the address). */
  login(request: FastifyRequest, presented: string): { ok: true; cookie: string } | AuthRefusal;
  /** POST /api/logout: ends the request's session, if any. */
  logout(request: FastifyRequest): void;
  /**
   * Who an authenticated request acts as, for the record (an acknowledgement's "by"). runboard has one token and
   * no user names: a browser is its session's label, a Bearer client "API token", and without a token "local user (no token)".
   */
  actorOf(request: FastifyRequest): string;
}

export interface TokenAuthOptions {
  token: string | null;
  db: Db;
  sessionTtlMs: number;
  failureLimit: FailureLimitOptions;
  /** Milliseconds since the epoch (tests may pass another clock). */
  now?: () => number;
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

export function createTokenAuth(options: TokenAuthOptions): TokenAuth {
  const { token } = options;
  const now = options.now ?? Date.now;
  // Ties sessions to this token without storing it: rotating the token logs every browser out.
  const tokenTag = token === null ? '' : createHmac('sha256', token).update('runboard-session-v2').digest('hex');
  const sessions = createSessionStore(options.db, tokenTag, options.sessionTtlMs);
  const failures = createFailureLimiter(options.failureLimit);

  const tokenMatches = (presented: string): boolean => token !== null && sameSecret(presented, token);

  function throttled(request: FastifyRequest): AuthRefusal | null {
    const waitMs = failures.blockedForMs(request.ip, now());
    if (waitMs <= 0) return null;
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    return {
      ok: false,
      statusCode: 429,
      reason: `too many wrong tokens from this address; try again in ${retryAfterSeconds} s`,
      retryAfterSeconds,
    };
  }

  function refused(reason: string): AuthRefusal {
    return { ok: false, statusCode: 401, reason };
  }

  /** The session cookie's verdict, or null when there is none. Never counted: a session id can't be guessed. */
  function cookieRefusal(request: FastifyRequest): AuthRefusal | { ok: true } | null {
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie === undefined || cookie === '') return null;
    if (!sessions.isValid(cookie, now())) return refused('invalid or expired session; log in again');
    if (crossOrigin(request)) return refused('session cookie sent from another origin');
    return { ok: true };
  }

  const auth: TokenAuth = {
    required: token !== null,
    sessionMaxAgeSeconds: Math.floor(options.sessionTtlMs / 1000),
    tokenMatches,
    authenticate(request) {
      if (token === null) return { ok: true };
      const bearer = bearerToken(request.headers.authorization);
      if (bearer !== null) {
        // Refused even when right: otherwise a throttled guesser would still learn which guess was right.
        const limit = throttled(request);
        if (limit !== null) return limit;
        if (tokenMatches(bearer)) return { ok: true };
        failures.recordFailure(request.ip, now());
        return refused('invalid token');
      }
      return (
        cookieRefusal(request) ??
        refused('a token is required: send `Authorization: Bearer <token>` or log in with POST /api/login')
      );
    },
    isAuthenticated(request) {
      if (token === null) return true;
      const bearer = bearerToken(request.headers.authorization);
      if (bearer !== null) return tokenMatches(bearer);
      return cookieRefusal(request)?.ok === true;
    },
    login(request, presented) {
      const limit = throttled(request);
      if (limit !== null) return limit;
      if (!tokenMatches(presented)) {
        failures.recordFailure(request.ip, now());
        return refused('invalid token');
      }
      return { ok: true, cookie: sessions.create(now()) };
    },
    logout(request) {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie !== undefined && cookie !== '') sessions.revoke(cookie);
    },
    actorOf(request) {
      if (token === null) return 'local user (no token)';
      if (bearerToken(request.headers.authorization) !== null) return 'API token';
      const cookie = request.cookies[SESSION_COOKIE];
      return cookie !== undefined && cookie !== '' ? sessions.labelOf(cookie) : 'unknown';
    },
  };
  return auth;
}

/** Sends a refusal: 401 with the Bearer challenge, or 429 with Retry-After. */
export async function sendAuthRefusal(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: AuthRefusal,
): Promise<FastifyReply> {
  if (refusal.statusCode === 429) reply.header('retry-after', String(refusal.retryAfterSeconds));
  else reply.header('www-authenticate', 'Bearer realm="runboard"');
  closeAfterRefusal(request, reply);
  return sendError(reply, refusal.statusCode, refusal.reason);
}

/** onRequest hook for the protected scope. */
export function requireToken(auth: TokenAuth) {
  return async function checkToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const outcome = auth.authenticate(request);
    if (outcome.ok) return;
    await sendAuthRefusal(request, reply, outcome);
  };
}
