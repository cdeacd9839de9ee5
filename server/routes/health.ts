// Liveness (open, no data) and readiness (migrations applied, startup catch-up done).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Ref } from '../../shared/api-schema-kit.js';
import { ApiErrorSchema, HealthViewSchema, ReadyViewSchema } from '../../shared/api-schemas.js';
import type { RouteContext } from './context.js';

export function registerHealthRoute(app: FastifyInstance): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/health',
    {
      schema: {
        summary: 'The process is alive (no token needed)',
        tags: ['status'],
        response: { 200: HealthViewSchema },
      },
    },
    () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }),
  );
}

export function registerReadyRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/ready',
    {
      schema: {
        summary:
          'Migrations applied and the startup ingest catch-up finished (503 before); status degraded (still 200) while there are ingest problems',
        tags: ['status'],
        response: { 200: Ref(ReadyViewSchema), 401: Ref(ApiErrorSchema), 503: Ref(ReadyViewSchema) },
      },
    },
    async (_request, reply) => {
      // Degraded stays 200: the API serves, and taking the only dashboard out of a load balancer would hide the very
      // problems an operator must see. Monitoring reads `status`/`problems` here or runboard_ingest_problems.
      const ready = ctx.isReady();
      const problems = ctx.ingestProblems().length;
      const status = !ready ? 'starting' : problems > 0 ? 'degraded' : 'ok';
      return reply.code(ready ? 200 : 503).send({ ready, status, problems });
    },
  );
}
