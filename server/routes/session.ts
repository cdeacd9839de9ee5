// Browser login: POST /api/login {token} sets an HttpOnly SameSite=Strict session cookie, which the browser then
// sends with every API call and with the WebSocket handshake (a browser can't set headers on a WebSocket).
// Each login is its own server-side session (server/session-store.ts); logout ends it for good.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Ref } from '../../shared/api-schema-kit.js';
import { SessionViewSchema } from '../../shared/api-schemas.js';
import { SESSION_COOKIE, sendAuthRefusal } from '../auth.js';
import type { RouteContext } from './context.js';
import { errorResponsesFor } from './schemas.js';

const sessionResponse = { 200: Ref(SessionViewSchema), ...errorResponsesFor([400, 401, 429]) };

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
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/api/session',
    {
      schema: {
        summary: 'Whether a token is required and whether this client presents a valid one (no token needed)',
        tags: ['auth'],
        response: sessionResponse,
      },
    },
    (request) => ({
      authRequired: auth.required,
      authenticated: auth.isAuthenticated(request),
    }),
  );

  api.post(
    '/api/login',
    {
      schema: {
        summary: 'Exchange the token for a session cookie (HttpOnly, SameSite=Strict)',
        tags: ['auth'],
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
        response: sessionResponse,
      },
    },
    async (request, reply) => {
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

  api.post(
    '/api/logout',
    {
      schema: { summary: 'End this session and forget its cookie', tags: ['auth'], response: sessionResponse },
    },
    async (request, reply) => {
      auth.logout(request);
      reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      return { authRequired: auth.required, authenticated: !auth.required };
    },
  );
}
