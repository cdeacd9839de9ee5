// Liveness (open, no data) and readiness (migrations applied, startup catch-up done).
import type { FastifyInstance } from 'fastify';
import type { HealthView } from '../../shared/api.js';
import type { RouteContext } from './context.js';

export function registerHealthRoute(app: FastifyInstance): void {
  app.get(
    '/api/health',
    {
      schema: {
        summary: 'The process is alive (no token needed)',
        tags: ['status'],
        response: {
          200: {
            type: 'object',
            required: ['status', 'uptimeSeconds'],
            properties: { status: { type: 'string', enum: ['ok'] }, uptimeSeconds: { type: 'number' } },
          },
        },
      },
    },
    (): HealthView => ({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }),
  );
}

export function registerReadyRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/api/ready',
    {
      schema: {
        summary: 'Migrations applied and the startup ingest catch-up finished (503 before)',
        tags: ['status'],
        response: {
          200: { $ref: 'ReadyView#' },
          401: { $ref: 'ApiError#' },
          503: { $ref: 'ReadyView#' },
        },
      },
    },
    async (_request, reply) => {
      const ready = ctx.isReady();
      return reply.code(ready ? 200 : 503).send({ ready });
    },
  );
}
