// Shape of GET /api/runs/:id/compare, written once as TypeBox schemas with the types derived from them (see
// shared/api-schemas.ts). The browser imports the types through shared/api-compare.ts, never values from here.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, NullableStringEnum, Ref, StringEnum } from './api-schema-kit.js';
import { COMPARED_FIGURES, type ComparedFigure } from './api-compare.js';
import { RUN_STATUSES, STEP_STATUSES } from './events.js';

/** What `with` asked for: `last-success` (default), `previous`, `median`, or a run id. */
export const BASELINE_KINDS = ['last-success', 'previous', 'median', 'run'] as const;
export type BaselineKind = (typeof BASELINE_KINDS)[number];

/** median ± 3 × MAD over the last successful runs before this one (shared/normal-range.ts computes it). */
export const NormalRangeSchema = Type.Object(
  {
    median: Type.Number(),
    /** Median absolute deviation from the median (0 when at least half the runs sit exactly on the median). */
    mad: Type.Number(),
    /** Bounds, inclusive: a value within [low, high] is normal. `low` is never below 0 (no figure is negative). */
    low: Type.Number(),
    high: Type.Number(),
    /** How many runs the range was taken over. */
    runs: Type.Integer(),
  },
  { description: 'Normal range: median ± 3 × MAD over the last successful runs before this one' },
);
export type NormalRange = Static<typeof NormalRangeSchema>;

/** One figure of this run against the baseline and against the normal range of the last successful runs. */
export const FigureChangeSchema = Type.Object(
  {
    /** Null when unknown (a step still running has no duration; a step missing from this run has nothing). */
    current: Nullable(Type.Number()),
    baseline: Nullable(Type.Number()),
    /** current − baseline; null when either is unknown. */
    change: Nullable(Type.Number()),
    /** change / baseline × 100; null when either is unknown or the baseline is 0 (then any change is "from nothing"). */
    changePct: Nullable(
      Type.Number({ description: 'change / baseline × 100; null when the baseline is 0 or unknown' }),
    ),
    /** null with too few successful runs before this one. */
    range: Nullable(NormalRangeSchema),
    /** `current` falls outside `range`. */
    outside: Type.Boolean(),
  },
  { $id: 'FigureChange' },
);
export type FigureChange = Static<typeof FigureChangeSchema>;

const FigureChangesSchema = Type.Object(
  Object.fromEntries(COMPARED_FIGURES.map((figure) => [figure, Ref(FigureChangeSchema)])) as Record<
    ComparedFigure,
    ReturnType<typeof Ref<typeof FigureChangeSchema>>
  >,
);
export type FigureChanges = Static<typeof FigureChangesSchema>;

export const StepComparisonSchema = Type.Object({
  name: Type.String(),
  /** `both`: in this run and the baseline; `added`: only in this run; `missing`: only in the baseline. */
  presence: StringEnum(['both', 'added', 'missing']),
  status: NullableStringEnum(STEP_STATUSES),
  baselineStatus: NullableStringEnum(STEP_STATUSES),
  figures: FigureChangesSchema,
  /** Some figure is outside its normal range. */
  outside: Type.Boolean(),
});
export type StepComparison = Static<typeof StepComparisonSchema>;

export const BaselineViewSchema = Type.Object({
  kind: StringEnum(BASELINE_KINDS),
  /** The baseline run; null for `median`. */
  runId: Nullable(Type.Integer()),
  runKey: Nullable(Type.String()),
  status: NullableStringEnum(RUN_STATUSES),
  startedAt: Nullable(Type.Integer()),
  /** For `median`: the runs the medians were taken over, newest first. Otherwise `[runId]`. */
  runIds: Type.Array(Type.Integer()),
});
export type BaselineView = Static<typeof BaselineViewSchema>;

/** Errors of one (system, identifier): one record in one target system. */
export const ErrorKeyViewSchema = Type.Object({
  system: Nullable(Type.String()),
  /** Null groups the errors that named no record. */
  identifier: Nullable(Type.String()),
  /** Errors of this key in this run (for `resolved`: in the baseline). */
  count: Type.Integer(),
  /** The latest message of this key (in this run; for `resolved`: in the baseline). */
  message: Type.String(),
  /** Consecutive runs of the pipeline, ending with this one, in which this key failed (0 for `resolved`). */
  consecutiveRuns: Type.Integer(),
});
export type ErrorKeyView = Static<typeof ErrorKeyViewSchema>;

export const ErrorListViewSchema = Type.Object({
  /** Up to COMPARE_LIST_LIMIT entries. */
  items: Type.Array(ErrorKeyViewSchema),
  /** How many there are in all. */
  total: Type.Integer(),
});
export type ErrorListView = Static<typeof ErrorListViewSchema>;

export const ErrorsComparisonSchema = Type.Object({
  /** Failing in this run, not in the baseline. */
  new: ErrorListViewSchema,
  /** Failing in this run and in the baseline. */
  stillFailing: ErrorListViewSchema,
  /** Failing in the baseline, not in this run. */
  resolved: ErrorListViewSchema,
});
export type ErrorsComparison = Static<typeof ErrorsComparisonSchema>;

export const NewFingerprintViewSchema = Type.Object({
  fingerprint: Type.String(),
  message: Type.String(),
  system: Nullable(Type.String()),
  /** Errors with this fingerprint in this run. */
  count: Type.Integer(),
});
export type NewFingerprintView = Static<typeof NewFingerprintViewSchema>;

export const RunComparisonSchema = Type.Object(
  {
    runId: Type.Integer(),
    /** Null when there is nothing to compare with yet (no successful run before this one, the first run, ...). */
    baseline: Nullable(BaselineViewSchema),
    /** How many successful runs before this one the normal ranges are taken over (at most RANGE_WINDOW_RUNS). */
    rangeRuns: Type.Integer(),
    /** The run's own totals. */
    totals: FigureChangesSchema,
    /** Steps by name: this run's in its order, then the baseline's missing ones. */
    steps: Type.Array(StepComparisonSchema),
    added: Type.Array(Type.String()),
    missing: Type.Array(Type.String()),
    /** Skipped in this run but not in the baseline. */
    skipped: Type.Array(Type.String()),
    /** Null without a baseline. */
    errors: Nullable(ErrorsComparisonSchema),
    /** Fingerprints of this run's errors never seen in an earlier run of the pipeline. */
    newFingerprints: Type.Array(NewFingerprintViewSchema),
    /** Some total or step figure is outside its normal range. */
    outside: Type.Boolean(),
  },
  { $id: 'RunComparison' },
);
export type RunComparison = Static<typeof RunComparisonSchema>;
