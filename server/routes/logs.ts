// GET /api/runs/:id/logs: log lines by byte offset (newest page first, then older/newer pages), filtered.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { LogsResponseSchema } from '../../shared/api-schemas.js';
import { LEVELS, type LevelLabel } from '../../shared/events.js';
import { logLineView } from '../views.js';
import type { RouteContext } from './context.js';
import { badRequest, notFound } from './http-errors.js';
import { errorResponses, idParams, limitParam, queryString } from './schemas.js';

export const LOGS_DEFAULT_LIMIT = 200;
export const LOGS_MAX_LIMIT = 2000;

const offsetRange = { minimum: 0, maximum: Number.MAX_SAFE_INTEGER };

/** `warn` or `40` to a minimum numeric level (the schema admits only those forms). */
export function minimumLevel(level: string): number {
  return level in LEVELS ? LEVELS[level as LevelLabel] : Number(level);
}

export function registerLogsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/runs/:id/logs',
    {
      config: { listItems: [{ key: 'lines', schema: 'LogLineView' }] },
      schema: {
        summary: "A run's log lines by byte offset, in file order",
        description:
          'Without `after`/`before`: the newest `limit` lines. `before=X`: the `limit` lines just before offset X ' +
          '(older page). `after=X`: the `limit` lines just after X (newer page). Filters narrow every page.',
        tags: ['runs'],
        params: idParams,
        querystring: queryString(
          {
            // -1 = from the file's first line (a live `skipped` gap can start there).
            after: Type.Integer({
              ...offsetRange,
              minimum: -1,
              description: 'Only lines at byte offsets greater than this (-1: all)',
            }),
            before: Type.Integer({ ...offsetRange, description: 'Only lines at byte offsets less than this' }),
            level: Type.String({
              pattern: '^(trace|debug|info|warn|error|fatal|[0-9]{1,3})$',
              description: 'Minimum level, by label (warn) or number (40)',
            }),
            step: Type.String({ minLength: 1, maxLength: 200 }),
            q: Type.String({ minLength: 1, maxLength: 200, description: 'Text in the message or other fields' }),
          },
          { limit: limitParam(LOGS_DEFAULT_LIMIT, LOGS_MAX_LIMIT) },
        ),
        response: { 200: LogsResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { after, before, limit, level, step, q } = request.query;
      if (after !== undefined && before !== undefined && before <= after) {
        throw badRequest('query parameter "before" must be greater than "after"');
      }
      const query = {
        runId: id,
        after,
        before,
        limit,
        minLevel: level === undefined ? undefined : minimumLevel(level),
        step,
        text: q,
      };
      // A filter can make the query look at many lines to fill a page: that is a heavy query.
      const heavy = level !== undefined || step !== undefined || q !== undefined;
      const page = await ctx.queries.run('runLogs', [query], { heavy });
      if (!page) throw notFound(`run ${id} not found`);
      return { lines: page.rows.map(logLineView), hasOlder: page.hasOlder, hasNewer: page.hasNewer };
    },
  );
}
