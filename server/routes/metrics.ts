// GET /metrics: Prometheus text exposition (token-protected like the API when a token is set).
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.js';

export function registerMetricsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['status'],
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const { body, contentType } = await ctx.metrics.render();
      return reply.type(contentType).send(body);
    },
  );
}
