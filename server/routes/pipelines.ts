// GET /api/pipelines: every (club, pipeline) with its last run, 24 h figures, median duration and open errors.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { emptyPipelineSummary, type PipelineSummary } from '../../shared/api.js';
import { Ref } from '../../shared/api-schema-kit.js';
import { PipelineSummarySchema } from '../../shared/api-schemas.js';
import { lastFinishedRun, listPipelineKeys, recentRuns, windowStats } from '../queries/pipelines.js';
import { getRun, getRunSteps } from '../queries/runs.js';
import { stepView } from '../views.js';
import type { RouteContext } from './context.js';
import { summarisePipeline } from './pipeline-summary.js';
import { errorResponses, nameParam, queryString } from './schemas.js';

const DAY_MS = 24 * 3600 * 1000;

export function registerPipelinesRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/pipelines',
    {
      config: { listItems: [{ key: null, schema: 'PipelineSummary' }] },
      schema: {
        summary: 'Every pipeline (optionally of one club) with its last run and recent figures',
        description:
          '`recent` holds the last 20 runs, oldest first; `medianDurationMs` is over those that succeeded or ' +
          'failed; `openErrors` is the error count of the newest run that is no longer running, `openErrorsRunId` that run.',
        tags: ['pipelines'],
        querystring: queryString({ club: nameParam }),
        response: { 200: Type.Array(Ref(PipelineSummarySchema)), ...errorResponses },
      },
    },
    (request) => {
      const since = Date.now() - DAY_MS;
      const club = request.query.club;
      const healthByKey = new Map(ctx.pipelineHealth().map((item) => [`${item.club}\n${item.pipeline}`, item]));
      const healthOf = (key: { club: string; pipeline: string }) =>
        healthByKey.get(`${key.club}\n${key.pipeline}`)?.health ?? null;
      // The list is sorted by (club, pipeline) as before; the overview orders by urgency itself.
      // One read transaction so every figure of the overview comes from the same committed state.
      const withRuns = ctx.db.$client.transaction(() =>
        listPipelineKeys(ctx.db, club).map((key): PipelineSummary => {
          const recent = recentRuns(ctx.db, key);
          const window = windowStats(ctx.db, key, since);
          const newest = recent[0];
          const lastRun = newest && getRun(ctx.db, newest.id);
          const olderFinished = recent.some((r) => r.status !== 'running') ? undefined : lastFinishedRun(ctx.db, key);
          const summary = summarisePipeline({
            ...key,
            lastRun,
            recent,
            runs24h: window.runs,
            finished24h: window.finished,
            succeeded24h: window.succeeded,
            succeededWithFailures24h: window.succeededWithFailures,
            olderFinishedErrorCount: olderFinished?.errorCount,
            olderFinishedRunId: olderFinished?.id,
            runningSteps:
              lastRun?.status === 'running'
                ? getRunSteps(ctx.db, lastRun.id)
                    .filter((s) => s.status === 'running')
                    .map(stepView)
                : [],
          });
          const health = healthOf(key);
          healthByKey.delete(`${key.club}\n${key.pipeline}`);
          return { ...summary, health };
        }),
      )();
      // Pipelines a schedule names that have no run yet: a job that never ran is exactly what health is for.
      const scheduledOnly = [...healthByKey.values()]
        .filter((item) => club === undefined || item.club === club)
        .map((item) => emptyPipelineSummary(item.club, item.pipeline, item.health));
      return [...withRuns, ...scheduledOnly];
    },
  );
}
