// Browser login: POST /api/login {token} sets an HttpOnly SameSite=Strict session cookie, which the browser then
// sends with every API call and with the WebSocket handshake (a browser can't set headers on a WebSocket).
// Each login is its own server-side session (server/session-store.ts); logout ends it for good.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionView } from '../../shared/api.js';
import { SESSION_COOKIE, sendAuthRefusal } from '../auth.js';
import type { RouteContext } from './context.js';

const sessionResponse = {
  200: { $ref: 'SessionView#' },
  400: { $ref: 'ApiError#' },
  401: { $ref: 'ApiError#' },
  429: { $ref: 'ApiError#' },
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
      authenticated: auth.isAuthenticated(request),
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
      const login = auth.login(request, request.body.token);
      if (!login.ok) return sendAuthRefusal(request, reply, login);
      reply.setCookie(SESSION_COOKIE, login.cookie, {
        ...cookieOptions(request),
        maxAge: auth.sessionMaxAgeSeconds,
      });
      return { authRequired: true, authenticated: true };
    },
  );

  app.post(
    '/api/logout',
    {
      schema: { summary: 'End this session and forget its cookie', tags: ['auth'], response: sessionResponse },
    },
    async (request, reply): Promise<SessionView> => {
      auth.logout(request);
      reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      return { authRequired: auth.required, authenticated: !auth.required };
    },
  );
}
