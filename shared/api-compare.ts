// Shape of GET /api/runs/:id/compare: a run against a baseline (its pipeline's last successful run, the run
// before it, the median of the last successful runs, or a run chosen by id). The shapes are written once, as
// schemas in shared/api-compare-schemas.ts; this module re-exports their types only, so the browser bundle can
// import it without TypeBox.
export type {
  BaselineKind,
  BaselineView,
  ErrorKeyView,
  ErrorListView,
  ErrorsComparison,
  FigureChange,
  FigureChanges,
  NewFingerprintView,
  NormalRange,
  RunComparison,
  StepComparison,
} from './api-compare-schemas.js';

/** The figures compared, in display order (the browser needs the list as a value). */
export const COMPARED_FIGURES = ['durationMs', 'created', 'updated', 'skipped', 'failed'] as const;
export type ComparedFigure = (typeof COMPARED_FIGURES)[number];
