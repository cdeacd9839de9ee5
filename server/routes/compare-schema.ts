// JSON schemas of GET /api/runs/:id/compare (shared/api-compare.ts), registered with the others in schemas.ts.
import { COMPARED_FIGURES } from '../../shared/api-compare.js';
import { RUN_STATUSES, STEP_STATUSES } from '../../shared/events.js';

const nullableInteger = { type: ['integer', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;

export const FigureChangeSchema = {
  $id: 'FigureChange',
  type: 'object',
  required: ['current', 'baseline', 'change', 'changePct', 'range', 'outside'],
  properties: {
    current: nullableNumber,
    baseline: nullableNumber,
    change: nullableNumber,
    changePct: { ...nullableNumber, description: 'change / baseline × 100; null when the baseline is 0 or unknown' },
    range: {
      type: ['object', 'null'],
      description: 'Normal range: median ± 3 × MAD over the last successful runs before this one',
      required: ['median', 'mad', 'low', 'high', 'runs'],
      properties: {
        median: { type: 'number' },
        mad: { type: 'number' },
        low: { type: 'number' },
        high: { type: 'number' },
        runs: { type: 'integer' },
      },
    },
    outside: { type: 'boolean' },
  },
} as const;

const figureChanges = {
  type: 'object',
  required: COMPARED_FIGURES,
  properties: Object.fromEntries(COMPARED_FIGURES.map((f) => [f, { $ref: 'FigureChange#' }])),
} as const;

const errorList = {
  type: 'object',
  required: ['items', 'total'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['system', 'identifier', 'count', 'message', 'consecutiveRuns'],
        properties: {
          system: nullableString,
          identifier: nullableString,
          count: { type: 'integer' },
          message: { type: 'string' },
          consecutiveRuns: { type: 'integer' },
        },
      },
    },
    total: { type: 'integer' },
  },
} as const;

export const RunComparisonSchema = {
  $id: 'RunComparison',
  type: 'object',
  required: [
    'runId',
    'baseline',
    'rangeRuns',
    'totals',
    'steps',
    'added',
    'missing',
    'skipped',
    'errors',
    'newFingerprints',
    'outside',
  ],
  properties: {
    runId: { type: 'integer' },
    baseline: {
      type: ['object', 'null'],
      required: ['kind', 'runId', 'runKey', 'status', 'startedAt', 'runIds'],
      properties: {
        kind: { type: 'string', enum: ['last-success', 'previous', 'median', 'run'] },
        runId: nullableInteger,
        runKey: nullableString,
        status: { type: ['string', 'null'], enum: [...RUN_STATUSES, null] },
        startedAt: nullableInteger,
        runIds: { type: 'array', items: { type: 'integer' } },
      },
    },
    rangeRuns: { type: 'integer' },
    totals: figureChanges,
    steps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'presence', 'status', 'baselineStatus', 'figures', 'outside'],
        properties: {
          name: { type: 'string' },
          presence: { type: 'string', enum: ['both', 'added', 'missing'] },
          status: { type: ['string', 'null'], enum: [...STEP_STATUSES, null] },
          baselineStatus: { type: ['string', 'null'], enum: [...STEP_STATUSES, null] },
          figures: figureChanges,
          outside: { type: 'boolean' },
        },
      },
    },
    added: { type: 'array', items: { type: 'string' } },
    missing: { type: 'array', items: { type: 'string' } },
    skipped: { type: 'array', items: { type: 'string' } },
    errors: {
      type: ['object', 'null'],
      required: ['new', 'stillFailing', 'resolved'],
      properties: { new: errorList, stillFailing: errorList, resolved: errorList },
    },
    newFingerprints: {
      type: 'array',
      items: {
        type: 'object',
        required: ['fingerprint', 'message', 'system', 'count'],
        properties: {
          fingerprint: { type: 'string' },
          message: { type: 'string' },
          system: nullableString,
          count: { type: 'integer' },
        },
      },
    },
    outside: { type: 'boolean' },
  },
} as const;
