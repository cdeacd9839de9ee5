// GET /api/rejects: lines the ingest rejected, newest first, with their reasons.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RejectView } from '../../shared/api.js';
import { RejectViewSchema } from '../../shared/api-schemas.js';
import type { RejectRow } from '../../shared/schema.js';
import type { RouteContext } from './context.js';
import { cursorParam, errorResponses, limitParam, pageOf, queryString } from './schemas.js';

function rejectView(row: RejectRow): RejectView {
  return {
    id: row.id,
    file: row.file,
    offset: row.offset,
    reason: row.reason,
    detail: row.detail,
    excerpt: row.excerpt,
    lineBytes: row.lineBytes,
    at: row.at,
  };
}

export function registerRejectsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/rejects',
    {
      config: { listItems: [{ key: 'items', schema: 'RejectView' }] },
      schema: {
        summary: 'Lines the ingest rejected, newest first, with the reason and an excerpt',
        tags: ['ingest'],
        querystring: queryString(
          {
            reason: Type.String({ pattern: '^[a-z_]{1,40}$' }),
            file: Type.String({ minLength: 1, maxLength: 1000, description: 'Path relative to the runs directory' }),
            cursor: cursorParam,
          },
          { limit: limitParam(100, 1000) },
        ),
        response: { 200: pageOf(RejectViewSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const page = await ctx.queries.run('listRejects', [filter, cursor, limit], { heavy: false });
      return { items: page.rows.map(rejectView), nextCursor: page.nextCursor };
    },
  );
}
