// Browser login: POST /api/login {token} sets an HttpOnly SameSite=Strict session cookie, which the browser then
// sends with every API call and with the WebSocket handshake (a browser can't set headers on a WebSocket).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionView } from '../../shared/api.js';
import { SESSION_COOKIE, SESSION_MAX_AGE_SECONDS } from '../auth.js';
import type { RouteContext } from './context.js';
import { sendError } from './http-errors.js';

const sessionResponse = {
  200: { $ref: 'SessionView#' },
  400: { $ref: 'ApiError#' },
  401: { $ref: 'ApiError#' },
} as const;

function cookieOptions(request: FastifyRequest) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
  };
}

export function registerSessionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { auth } = ctx;

  app.get(
    '/api/session',
    {
      schema: {
        summary: 'Whether a token is required and whether this client presents a valid one (no token needed)',
        tags: ['auth'],
        response: sessionResponse,
      },
    },
    (request): SessionView => ({
      authRequired: auth.required,
      authenticated: auth.rejection(request) === null,
    }),
  );

  app.post<{ Body: { token: string } }>(
    '/api/login',
    {
      schema: {
        summary: 'Exchange the token for a session cookie (HttpOnly, SameSite=Strict)',
        tags: ['auth'],
        body: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: { token: { type: 'string', minLength: 1, maxLength: 4096 } },
        },
        response: sessionResponse,
      },
    },
    async (request, reply: FastifyReply): Promise<SessionView | FastifyReply> => {
      if (!auth.required) return { authRequired: false, authenticated: true };
      if (!auth.tokenMatches(request.body.token)) return sendError(reply, 401, 'invalid token');
      reply.setCookie(SESSION_COOKIE, auth.sessionValue(), {
        ...cookieOptions(request),
        maxAge: SESSION_MAX_AGE_SECONDS,
      });
      return { authRequired: true, authenticated: true };
    },
  );

  app.post(
    '/api/logout',
    {
      schema: { summary: 'Forget the session cookie', tags: ['auth'], response: sessionResponse },
    },
    async (request, reply): Promise<SessionView> => {
      reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      return { authRequired: auth.required, authenticated: !auth.required };
    },
  );
}
