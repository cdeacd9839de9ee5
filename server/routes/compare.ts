// GET /api/runs/:id/compare: the run against a baseline (see compare/compare-runs.ts for what is decided).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RunComparison } from '../../shared/api-compare.js';
import { RunComparisonSchema } from '../../shared/api-compare-schemas.js';
import { Ref } from '../../shared/api-schema-kit.js';
import { RANGE_WINDOW_RUNS } from '../../shared/normal-range.js';
import type { RunRow } from '../../shared/schema.js';
import { compareRuns, type Baseline } from '../compare/compare-runs.js';
import {
  errorKeysOfRun,
  errorTallies,
  finishedRunIdsBefore,
  fingerprintTallies,
  knownFingerprints,
  previousRun,
  runFigures,
  successfulRunsBefore,
} from '../queries/compare.js';
import { STREAK_LOOKBACK_RUNS } from '../queries/error-groups.js';
import { getRun } from '../queries/runs.js';
import type { RouteContext } from './context.js';
import { badRequest, notFound } from './http-errors.js';
import { errorResponses, idParams, queryString } from './schemas.js';

type BaselineChoice = 'last-success' | 'previous' | 'median' | `${number}`;

// The pattern admits exactly the BaselineChoice forms, so the handler may take the string as one.
const withParam = Type.Unsafe<BaselineChoice>(
  Type.String({
    pattern: '^(last-success|previous|median|[1-9][0-9]{0,15})$',
    default: 'last-success',
    description:
      '`last-success` (the last successful run before this one), `previous` (the run just before it), `median` ' +
      `(per figure, the median of the last ${RANGE_WINDOW_RUNS} successful runs before it) or a run id of the ` +
      'same pipeline',
  }),
);

function baselineRun(ctx: RouteContext, run: RunRow, choice: BaselineChoice, history: RunRow[]): RunRow | null {
  if (choice === 'last-success') return history[0] ?? null;
  if (choice === 'previous') return previousRun(ctx.db, run) ?? null;
  const id = Number(choice);
  const other = Number.isSafeInteger(id) ? getRun(ctx.db, id) : undefined;
  if (!other) throw notFound(`baseline run ${choice} not found`);
  if (other.clubSlug !== run.clubSlug || other.pipeline !== run.pipeline)
    throw badRequest(`baseline run ${choice} is of another pipeline (${other.clubSlug}/${other.pipeline})`);
  return other;
}

function compare(ctx: RouteContext, run: RunRow, choice: BaselineChoice): RunComparison {
  const db = ctx.db;
  const historyRows = successfulRunsBefore(db, run, RANGE_WINDOW_RUNS);
  const history = historyRows.map((r) => runFigures(db, r));
  let baseline: Baseline | null;
  if (choice === 'median') {
    // Errors have no median: they are compared with the newest successful run's.
    baseline = { kind: 'median', errors: historyRows[0] ? errorTallies(db, historyRows[0].id) : [] };
  } else {
    const other = baselineRun(ctx, run, choice, historyRows);
    const kind = choice === 'last-success' || choice === 'previous' ? choice : 'run';
    baseline = other === null ? null : { kind, run: runFigures(db, other), errors: errorTallies(db, other.id) };
  }
  const fingerprints = fingerprintTallies(db, run.id);
  const earlierRunIds = finishedRunIdsBefore(db, run, STREAK_LOOKBACK_RUNS);
  return compareRuns({
    run: runFigures(db, run),
    errors: errorTallies(db, run.id),
    fingerprints,
    baseline,
    history,
    // Lazy: an earlier run's failures are read only while some failure of this run is still on a streak.
    earlierFailures: (function* () {
      for (const id of earlierRunIds) yield errorKeysOfRun(db, id);
    })(),
    knownFingerprints: knownFingerprints(
      db,
      run,
      fingerprints.map((f) => f.fingerprint),
    ),
  });
}

export function registerCompareRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/runs/:id/compare',
    {
      schema: {
        summary: 'A run compared with a baseline: steps, counts, durations and errors',
        description:
          'Per step (matched by name): duration and counts with their change, flagged `outside` when outside ' +
          `median ± 3 × MAD of the last ${RANGE_WINDOW_RUNS} successful runs before this one; steps added, ` +
          'missing or newly skipped; errors by (system, identifier) new, still failing (with `consecutiveRuns`) ' +
          'or resolved; error fingerprints new to the pipeline. `baseline` is null when there is nothing to ' +
          'compare with yet. 404 for an unknown run or baseline id, 400 for a baseline of another pipeline.',
        tags: ['runs'],
        params: idParams,
        querystring: queryString({}, { with: withParam }),
        response: { 200: Ref(RunComparisonSchema), ...errorResponses },
      },
    },
    (request) => {
      const run = getRun(ctx.db, request.params.id);
      if (!run) throw notFound(`run ${request.params.id} not found`);
      // One read transaction: ingest committing mid-way must not mix two states of the pipeline.
      return ctx.db.$client.transaction(() => compare(ctx, run, request.query.with))();
    },
  );
}
