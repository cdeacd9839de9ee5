// Shape of GET /api/runs/:id/compare: a run against a baseline (its pipeline's last successful run, the run
// before it, the median of the last successful runs, or a run chosen by id). Types only, for the browser bundle.
import type { RunStatus, StepStatus } from './events.js';
import type { NormalRange } from './normal-range.js';

export type { NormalRange } from './normal-range.js';

/** What `with` asked for: `last-success` (default), `previous`, `median`, or a run id. */
export type BaselineKind = 'last-success' | 'previous' | 'median' | 'run';

export const COMPARED_FIGURES = ['durationMs', 'created', 'updated', 'skipped', 'failed'] as const;
export type ComparedFigure = (typeof COMPARED_FIGURES)[number];

/** One figure of this run against the baseline and against the normal range of the last successful runs. */
export interface FigureChange {
  /** Null when unknown (a step still running has no duration; a step missing from this run has nothing). */
  current: number | null;
  baseline: number | null;
  /** current − baseline; null when either is unknown. */
  change: number | null;
  /** change / baseline × 100; null when either is unknown or the baseline is 0 (then any change is "from nothing"). */
  changePct: number | null;
  /** median ± 3 × MAD over the last successful runs before this one; null with too few of them. */
  range: NormalRange | null;
  /** `current` falls outside `range`. */
  outside: boolean;
}

export type FigureChanges = Record<ComparedFigure, FigureChange>;

export interface StepComparison {
  name: string;
  /** `both`: in this run and the baseline; `added`: only in this run; `missing`: only in the baseline. */
  presence: 'both' | 'added' | 'missing';
  status: StepStatus | null;
  baselineStatus: StepStatus | null;
  figures: FigureChanges;
  /** Some figure is outside its normal range. */
  outside: boolean;
}

export interface BaselineView {
  kind: BaselineKind;
  /** The baseline run; null for `median`. */
  runId: number | null;
  runKey: string | null;
  status: RunStatus | null;
  startedAt: number | null;
  /** For `median`: the runs the medians were taken over, newest first. Otherwise `[runId]`. */
  runIds: number[];
}

/** Errors of one (system, identifier): one record in one target system. */
export interface ErrorKeyView {
  system: string | null;
  /** Null groups the errors that named no record. */
  identifier: string | null;
  /** Errors of this key in this run (for `resolved`: in the baseline). */
  count: number;
  /** The latest message of this key (in this run; for `resolved`: in the baseline). */
  message: string;
  /** Consecutive runs of the pipeline, ending with this one, in which this key failed (0 for `resolved`). */
  consecutiveRuns: number;
}

export interface ErrorListView {
  /** Up to COMPARE_LIST_LIMIT entries. */
  items: ErrorKeyView[];
  /** How many there are in all. */
  total: number;
}

export interface ErrorsComparison {
  /** Failing in this run, not in the baseline. */
  new: ErrorListView;
  /** Failing in this run and in the baseline. */
  stillFailing: ErrorListView;
  /** Failing in the baseline, not in this run. */
  resolved: ErrorListView;
}

export interface NewFingerprintView {
  fingerprint: string;
  message: string;
  system: string | null;
  /** Errors with this fingerprint in this run. */
  count: number;
}

export interface RunComparison {
  runId: number;
  /** Null when there is nothing to compare with yet (no successful run before this one, the first run, ...). */
  baseline: BaselineView | null;
  /** How many successful runs before this one the normal ranges are taken over (at most RANGE_WINDOW_RUNS). */
  rangeRuns: number;
  /** The run's own totals. */
  totals: FigureChanges;
  /** Steps by name: this run's in its order, then the baseline's missing ones. */
  steps: StepComparison[];
  added: string[];
  missing: string[];
  /** Skipped in this run but not in the baseline. */
  skipped: string[];
  /** Null without a baseline. */
  errors: ErrorsComparison | null;
  /** Fingerprints of this run's errors never seen in an earlier run of the pipeline. */
  newFingerprints: NewFingerprintView[];
  /** Some total or step figure is outside its normal range. */
  outside: boolean;
}
