// Acknowledging an error group: POST /api/errors/groups/:fingerprint/ack, DELETE to take it back. Registered in
// the token-protected scope; the host guard refuses writes from a foreign Origin. Who acknowledged comes from the
// request's session (server/auth.ts actorOf), when from the server's clock.
import type { FastifyInstance } from 'fastify';
import type { ErrorGroupAck } from '../../shared/api.js';
import { acknowledgeGroup, unacknowledgeGroup } from '../queries/acknowledgements.js';
import type { RouteContext } from './context.js';
import { notFound } from './http-errors.js';
import { errorResponses, nameParam } from './schemas.js';

const groupParams = {
  type: 'object',
  required: ['fingerprint'],
  properties: { fingerprint: { type: 'string', pattern: '^[0-9a-f]{1,64}$' } },
} as const;

const groupQuery = {
  type: 'object',
  required: ['club', 'pipeline'],
  properties: {
    club: nameParam,
    pipeline: nameParam,
    lastSeen: {
      type: 'integer',
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'The last occurrence the operator saw (ms): a later one undoes the acknowledgement',
    },
  },
} as const;

const ackView = {
  type: 'object',
  required: ['by', 'at', 'through'],
  properties: { by: { type: 'string' }, at: { type: 'integer' }, through: { type: 'integer' } },
} as const;

interface GroupRequest {
  Params: { fingerprint: string };
  Querystring: { club: string; pipeline: string; lastSeen?: number };
}

export function registerErrorAckRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<GroupRequest>(
    '/api/errors/groups/:fingerprint/ack',
    {
      schema: {
        summary: 'Acknowledge an error group (club, pipeline, fingerprint) until it occurs again',
        description:
          'Records who (the session) and when. The group then reads as acknowledged in /api/errors/groups until ' +
          'an occurrence newer than `lastSeen` (default: its last occurrence now) arrives.',
        tags: ['errors'],
        params: groupParams,
        querystring: groupQuery,
        response: { 200: ackView, ...errorResponses, 403: { $ref: 'ApiError#' } },
      },
    },
    (request): ErrorGroupAck => {
      const { club, pipeline, lastSeen } = request.query;
      const key = { club, pipeline, fingerprint: request.params.fingerprint };
      const ack = acknowledgeGroup(ctx.db, key, ctx.auth.actorOf(request), Date.now(), lastSeen);
      if (ack === null) throw notFound(`no errors with fingerprint ${key.fingerprint} in ${club} / ${pipeline}`);
      return ack;
    },
  );

  app.delete<GroupRequest>(
    '/api/errors/groups/:fingerprint/ack',
    {
      schema: {
        summary: "Take back an error group's acknowledgement (nothing to do when there is none)",
        tags: ['errors'],
        params: groupParams,
        querystring: groupQuery,
        response: { 204: { type: 'null' }, ...errorResponses, 403: { $ref: 'ApiError#' } },
      },
    },
    async (request, reply) => {
      const { club, pipeline } = request.query;
      unacknowledgeGroup(ctx.db, { club, pipeline, fingerprint: request.params.fingerprint });
      return reply.code(204).send();
    },
  );
}
