// GET /api/config: the configuration runboard is judging pipelines by, as loaded (after the last good reload), with
// the source of every schedule. Credentials are masked before this route sees the document (the app passes the
// masked view), so nothing here can leak a secret.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ConfigViewSchema } from '../../shared/api-schemas.js';
import type { RouteContext } from './context.js';
import { errorResponses } from './schemas.js';

export function registerConfigRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/config',
    {
      schema: {
        summary:
          'The effective configuration: the config file (secrets masked), crontabs read, each schedule and its source',
        tags: ['config'],
        response: { 200: ConfigViewSchema, ...errorResponses },
      },
    },
    () => ctx.configView(),
  );
}
