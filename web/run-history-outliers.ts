// Which runs of a pipeline's history had a duration or record count outside the normal range of the successful
// runs before them: the same median ± 3 × MAD the run page's comparison flags (shared/normal-range.ts), taken
// over the history the page has loaded. Pure.
//
// Computed here rather than by the server: the page already holds every figure it needs (RunView's duration and
// counts), live updates then re-mark without another request, and the arithmetic is the shared module's. The
// oldest loaded runs see fewer earlier runs than the server would, so they may stay unmarked until older pages load.
import type { RunView } from '../shared/api.js';
import type { ComparedFigure } from '../shared/api-compare.js';
import { DURATION_FLOOR_MS, RANGE_WINDOW_RUNS, isOutside, normalRange } from '../shared/normal-range.js';

const COUNT_FIGURES = ['created', 'updated', 'skipped', 'failed'] as const;

function figureOf(run: RunView, figure: ComparedFigure): number | null {
  return figure === 'durationMs' ? run.durationMs : run.counts[figure];
}

/** The page renders every second while a run is running; its runs array is replaced, never mutated, on change. */
const cache = new WeakMap<readonly RunView[], Map<number, ComparedFigure[]>>();

/** Run id → the figures outside their normal range, for the runs that have any. `runs` is newest first. */
export function historyOutliers(runs: readonly RunView[]): Map<number, ComparedFigure[]> {
  const cached = cache.get(runs);
  if (cached) return cached;
  const result = new Map<number, ComparedFigure[]>();
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i] as RunView;
    if (run.status === 'running') continue;
    const earlier: RunView[] = [];
    for (let j = i + 1; j < runs.length && earlier.length < RANGE_WINDOW_RUNS; j++) {
      const candidate = runs[j] as RunView;
      if (candidate.status === 'success') earlier.push(candidate);
    }
    const outside: ComparedFigure[] = [];
    for (const figure of ['durationMs', ...COUNT_FIGURES] as const) {
      const range = normalRange(
        earlier.map((r) => figureOf(r, figure)),
        figure === 'durationMs' ? DURATION_FLOOR_MS : 0,
      );
      if (isOutside(figureOf(run, figure), range)) outside.push(figure);
    }
    if (outside.length > 0) result.set(run.id, outside);
  }
  cache.set(runs, result);
  return result;
}
