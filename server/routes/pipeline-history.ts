// A pipeline's histories, for its page:
// - GET /api/pipelines/:club/:pipeline/health-history: each change of its health state (from → to, since when, why),
//   newest first, in keyset pages;
// - GET /api/pipelines/:club/:pipeline/schedule-history: its recent scheduled occurrences, each with the run that
//   answered it and how late or early it started, the occurrences with no run (missed), and runs that answer none.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Ref } from '../../shared/api-schema-kit.js';
import { HealthHistoryEntrySchema, ScheduleHistoryViewSchema } from '../../shared/health-schemas.js';
import type { RouteContext } from './context.js';
import { notFound } from './http-errors.js';
import { cursorParam, errorResponses, limitParam, nameParam, pageOf, queryString } from './schemas.js';

export const HEALTH_HISTORY_DEFAULT_LIMIT = 50;
export const HEALTH_HISTORY_MAX_LIMIT = 500;

const pipelineParams = Type.Object({ club: nameParam, pipeline: nameParam });

export function registerPipelineHistoryRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/api/pipelines/:club/:pipeline/health-history',
    {
      config: { listItems: [{ key: 'items', schema: 'HealthHistoryEntry' }] },
      schema: {
        summary: "A pipeline's health changes, newest first, in keyset pages",
        description:
          'One entry per change of state, written in the transaction that saved the new state. Entries older than ' +
          'the retention period are deleted, except each pipeline’s newest. An unknown pipeline has an empty history.',
        tags: ['pipelines'],
        params: pipelineParams,
        querystring: queryString(
          { cursor: cursorParam },
          { limit: limitParam(HEALTH_HISTORY_DEFAULT_LIMIT, HEALTH_HISTORY_MAX_LIMIT) },
        ),
        response: { 200: pageOf(HealthHistoryEntrySchema), ...errorResponses },
      },
    },
    async (request) => {
      const { club, pipeline } = request.params;
      const { cursor, limit } = request.query;
      const page = await ctx.queries.run('listHealthHistory', [{ club, pipeline }, cursor, limit], { heavy: false });
      return { items: page.rows, nextCursor: page.nextCursor };
    },
  );

  api.get(
    '/api/pipelines/:club/:pipeline/schedule-history',
    {
      config: { listItems: [{ key: 'starts', schema: 'ScheduledStart' }] },
      schema: {
        summary: 'Expected against actual start times of recent runs',
        description:
          'The last 20 scheduled occurrences, newest first, each with the run that answered it (`on-time` when it ' +
          'started by due + grace, possibly a little early: negative `delayMs`; `late` after that), or none ' +
          '(`missed` once the next occurrence came due, `overdue` after grace, `waiting` within it), and runs that ' +
          'answer no occurrence (`extra`: manual runs, a second run). The rules are the health judge’s. Without a ' +
          'schedule `starts` is empty. 404 for a pipeline health does not track (no run and no schedule).',
        tags: ['pipelines'],
        params: pipelineParams,
        response: { 200: Ref(ScheduleHistoryViewSchema), ...errorResponses },
      },
    },
    (request) => {
      const { club, pipeline } = request.params;
      const view = ctx.scheduleHistory({ club, pipeline });
      if (view === null) throw notFound(`pipeline ${club}/${pipeline} not found`);
      return view;
    },
  );
}
