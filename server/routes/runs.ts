// GET /api/runs (keyset pages, newest first) and GET /api/runs/:id (the run with its steps).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Ref, StringEnum } from '../../shared/api-schema-kit.js';
import { RunDetailSchema, RunViewSchema } from '../../shared/api-schemas.js';
import { RUN_STATUSES } from '../../shared/events.js';
import { runView, stepView } from '../views.js';
import type { RouteContext } from './context.js';
import { notFound } from './http-errors.js';
import { cursorParam, errorResponses, idParams, limitParam, nameParam, pageOf, queryString } from './schemas.js';

export const RUNS_DEFAULT_LIMIT = 50;
export const RUNS_MAX_LIMIT = 500;

export function registerRunsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/api/runs',
    {
      config: { listItems: [{ key: 'items', schema: 'RunView' }] },
      schema: {
        summary: 'Runs, newest first, in keyset pages',
        tags: ['runs'],
        querystring: queryString(
          {
            club: nameParam,
            pipeline: nameParam,
            status: StringEnum(RUN_STATUSES),
            failedRecords: StringEnum(['some', 'none'], {
              description: 'Only runs that counted failed records (some) or none: a success with some is "unstable"',
            }),
            cursor: cursorParam,
          },
          { limit: limitParam(RUNS_DEFAULT_LIMIT, RUNS_MAX_LIMIT) },
        ),
        response: { 200: pageOf(RunViewSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const page = await ctx.queries.run('listRuns', [filter, cursor, limit], { heavy: false });
      return { items: page.rows.map(runView), nextCursor: page.nextCursor };
    },
  );

  api.get(
    '/api/runs/:id',
    {
      config: { listItems: [{ key: 'steps', schema: 'StepView' }] },
      schema: {
        summary: 'One run with its steps',
        tags: ['runs'],
        params: idParams,
        response: { 200: Ref(RunDetailSchema), ...errorResponses },
      },
    },
    async (request) => {
      const detail = await ctx.queries.run('runDetail', [request.params.id], { heavy: false });
      if (!detail) throw notFound(`run ${request.params.id} not found`);
      return { ...runView(detail.run), steps: detail.steps.map(stepView) };
    },
  );
}
