// GET /api/runs (keyset pages, newest first) and GET /api/runs/:id (the run with its steps).
import type { FastifyInstance } from 'fastify';
import type { Page, RunDetail, RunView } from '../../shared/api.js';
import { RUN_STATUSES, type RunStatus } from '../../shared/events.js';
import { runView, stepView } from '../views.js';
import type { RouteContext } from './context.js';
import { notFound } from './http-errors.js';
import { cursorParam, errorResponses, idParams, limitParam, nameParam, pageOf } from './schemas.js';

export const RUNS_DEFAULT_LIMIT = 50;
export const RUNS_MAX_LIMIT = 500;

interface RunsQuery {
  club?: string;
  pipeline?: string;
  status?: RunStatus;
  failedRecords?: 'some' | 'none';
  cursor?: string;
  limit: number;
}

export function registerRunsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: RunsQuery }>(
    '/api/runs',
    {
      config: { listItems: [{ key: 'items', schema: 'RunView' }] },
      schema: {
        summary: 'Runs, newest first, in keyset pages',
        tags: ['runs'],
        querystring: {
          type: 'object',
          properties: {
            club: nameParam,
            pipeline: nameParam,
            status: { type: 'string', enum: RUN_STATUSES },
            failedRecords: {
              type: 'string',
              enum: ['some', 'none'],
              description: 'Only runs that counted failed records (some) or none: a success with some is "unstable"',
            },
            cursor: cursorParam,
            limit: limitParam(RUNS_DEFAULT_LIMIT, RUNS_MAX_LIMIT),
          },
        },
        response: { 200: pageOf('RunView'), ...errorResponses },
      },
    },
    async (request): Promise<Page<RunView>> => {
      const { cursor, limit, ...filter } = request.query;
      const page = await ctx.queries.run('listRuns', [filter, cursor, limit], { heavy: false });
      return { items: page.rows.map(runView), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/runs/:id',
    {
      config: { listItems: [{ key: 'steps', schema: 'StepView' }] },
      schema: {
        summary: 'One run with its steps',
        tags: ['runs'],
        params: idParams,
        response: { 200: { $ref: 'RunDetail#' }, ...errorResponses },
      },
    },
    async (request): Promise<RunDetail> => {
      const detail = await ctx.queries.run('runDetail', [request.params.id], { heavy: false });
      if (!detail) throw notFound(`run ${request.params.id} not found`);
      return { ...runView(detail.run), steps: detail.steps.map(stepView) };
    },
  );
}
