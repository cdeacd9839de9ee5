// GET /api/ingest/problems: what keeps ingest from reading something right now (unreadable run files or
// directories, a full disk, paths leading outside the runs directory). A separate list, not /api/rejects: rejects
// are lines, kept for good with their offset; a problem is a condition that ends when the operator fixes it, and
// listing it among rejects would leave a stale record behind once it is fixed.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Ref } from '../../shared/api-schema-kit.js';
import { IngestProblemsListSchema } from '../../shared/api-schemas.js';
import type { RouteContext } from './context.js';
import { errorResponses } from './schemas.js';

export function registerIngestProblemsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/ingest/problems',
    {
      schema: {
        summary: 'Current ingest problems: unreadable files or directories, a full disk, paths leading outside',
        tags: ['ingest'],
        response: { 200: Ref(IngestProblemsListSchema), ...errorResponses },
      },
    },
    () => ({ problems: ctx.ingestProblems() }),
  );
}
