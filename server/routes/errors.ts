// Errors: a run's errors, the error browser's list, and groups by fingerprint with recurring identifiers.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ERROR_GROUP_SORTS } from '../../shared/api.js';
import { StringEnum } from '../../shared/api-schema-kit.js';
import { ErrorGroupsResponseSchema, ErrorViewSchema } from '../../shared/api-schemas.js';
import { STREAK_LOOKBACK_RUNS } from '../queries/error-groups.js';
import { errorView } from '../views.js';
import type { RouteContext } from './context.js';
import { notFound } from './http-errors.js';
import { cursorParam, errorResponses, idParams, limitParam, nameParam, pageOf, queryString } from './schemas.js';

export const ERRORS_DEFAULT_LIMIT = 100;
export const ERRORS_MAX_LIMIT = 1000;
/** Without `since`, groups cover this many days. */
export const GROUPS_DEFAULT_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

const textParam = Type.String({ minLength: 1, maxLength: 500 });
const timeParam = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export function registerErrorRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/api/runs/:id/errors',
    {
      config: { listItems: [{ key: 'items', schema: 'ErrorView' }] },
      schema: {
        summary: "A run's errors in file order",
        tags: ['errors'],
        params: idParams,
        querystring: queryString(
          { cursor: cursorParam },
          { limit: limitParam(ERRORS_DEFAULT_LIMIT * 2, ERRORS_MAX_LIMIT * 2) },
        ),
        response: { 200: pageOf(ErrorViewSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      const page = await ctx.queries.run('runErrors', [id, request.query.cursor, request.query.limit], {
        heavy: false,
      });
      if (!page) throw notFound(`run ${id} not found`);
      return { items: page.rows.map(errorView), nextCursor: page.nextCursor };
    },
  );

  api.get(
    '/api/errors',
    {
      config: { listItems: [{ key: 'items', schema: 'ErrorView' }] },
      schema: {
        summary: 'Errors across runs, newest first, in keyset pages',
        tags: ['errors'],
        querystring: queryString(
          {
            club: nameParam,
            pipeline: nameParam,
            system: textParam,
            identifier: textParam,
            fingerprint: Type.String({ pattern: '^[0-9a-f]{1,64}$' }),
            runId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
            cursor: cursorParam,
          },
          { limit: limitParam(ERRORS_DEFAULT_LIMIT, ERRORS_MAX_LIMIT) },
        ),
        response: { 200: pageOf(ErrorViewSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      // Filters on columns without an index (system) scan the errors table.
      const page = await ctx.queries.run('listErrors', [filter, cursor, limit], { heavy: true });
      return { items: page.rows.map(errorView), nextCursor: page.nextCursor };
    },
  );

  api.get(
    '/api/errors/groups',
    {
      config: {
        listItems: [
          { key: 'groups', schema: 'ErrorGroup' },
          { key: 'recurringIdentifiers', schema: 'RecurringIdentifier' },
        ],
      },
      schema: {
        summary: 'Errors grouped by fingerprint, and identifiers failing in consecutive runs',
        description:
          `Groups with errors since \`since\` (ms; default ${GROUPS_DEFAULT_DAYS} days ago), most recently seen ` +
          'first; counts are within that window, `firstSeen` and `isNew` over all history (new = first seen in ' +
          "the pipeline's latest finished run, or in a run started since). `recurringIdentifiers`: identifiers " +
          'that failed in each of ' +
          `the pipeline's last \`consecutive\` or more finished runs (followed back at most ` +
          `${STREAK_LOOKBACK_RUNS} runs).`,
        tags: ['errors'],
        querystring: queryString(
          {
            club: nameParam,
            pipeline: nameParam,
            since: timeParam,
            sort: StringEnum(ERROR_GROUP_SORTS, {
              description: 'lastSeen (default), count, runs (runs affected) or firstSeen (newest first)',
            }),
            identifier: Type.String({
              minLength: 1,
              maxLength: 500,
              description: 'Only the groups this record appears in, counted for this record alone',
            }),
            runId: Type.Integer({
              minimum: 1,
              maximum: Number.MAX_SAFE_INTEGER,
              description: "Only this run's errors (with since=0: exactly the run's error count)",
            }),
            acknowledged: StringEnum(['show', 'hide'] as const, {
              description: 'hide: leave out groups acknowledged and not seen since (default show)',
            }),
          },
          {
            limit: limitParam(100, 500),
            consecutive: Type.Integer({ minimum: 2, maximum: STREAK_LOOKBACK_RUNS, default: 2 }),
          },
        ),
        response: { 200: ErrorGroupsResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { acknowledged, ...query } = request.query;
      const since = query.since ?? Date.now() - GROUPS_DEFAULT_DAYS * DAY_MS;
      const overview = await ctx.queries.run(
        'errorOverview',
        [{ ...query, since, hideAcknowledged: acknowledged === 'hide' }],
        { heavy: true },
      );
      return { ...overview, since };
    },
  );
}
