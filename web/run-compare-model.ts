// Words and numbers for the "Compared with" panel. Pure and DOM-free, unit-tested in node.
import type { BaselineView, ComparedFigure, FigureChange } from '../shared/api-compare.js';
import { formatCount, formatDuration } from './format.js';

/** What the panel's selector offers; a run id is typed in. */
export type CompareChoice = 'last-success' | 'previous' | 'median' | 'run';

export const CHOICE_LABELS: Record<CompareChoice, string> = {
  'last-success': 'last successful run',
  previous: 'previous run',
  median: 'median of last 10 successful runs',
  run: 'run by id…',
};

export const FIGURE_LABELS: Record<ComparedFigure, string> = {
  durationMs: 'Duration',
  created: 'Created',
  updated: 'Updated',
  skipped: 'Skipped',
  failed: 'Failed',
};

/** The `with` query value for a choice, or null when a run id is wanted and not (validly) given. */
export function withParam(choice: CompareChoice, runIdText: string): string | null {
  if (choice !== 'run') return choice;
  const text = runIdText.trim().replace(/^#/, '');
  return /^[1-9][0-9]{0,15}$/.test(text) ? text : null;
}

export function formatFigure(figure: ComparedFigure, value: number | null): string {
  if (value === null) return '—';
  return figure === 'durationMs' ? formatDuration(value) : formatCount(Math.round(value));
}

/** `+79 (+78%)`, `−2 m 30 s (−25%)`, `±0`, `+3` (from 0: no percentage), `—` when unknown. */
export function formatChange(figure: ComparedFigure, change: FigureChange): string {
  if (change.change === null) return '—';
  if (change.change === 0) return '±0';
  const sign = change.change > 0 ? '+' : '−';
  const magnitude = formatFigure(figure, Math.abs(change.change));
  const pct =
    change.changePct === null
      ? ''
      : ` (${sign}${Math.abs(change.changePct) < 10 ? Math.abs(change.changePct).toFixed(1) : Math.round(Math.abs(change.changePct))}%)`;
  return `${sign}${magnitude}${pct}`;
}

/** `normal 97 – 103` for the tooltip of a figure; empty without a range. */
export function formatRange(figure: ComparedFigure, change: FigureChange): string {
  const range = change.range;
  if (range === null) return '';
  return `normal range ${formatFigure(figure, range.low)} – ${formatFigure(figure, range.high)} (median ${formatFigure(
    figure,
    range.median,
  )} of ${range.runs} successful runs)`;
}

/** `run #41 (success)`, `median of 10 successful runs`. */
export function describeBaseline(baseline: BaselineView): string {
  if (baseline.kind === 'median') return `median of ${baseline.runIds.length} successful runs`;
  return `run #${baseline.runId ?? '?'}${baseline.status ? ` (${baseline.status})` : ''}`;
}

/** Why there is no baseline, in the operator's words. */
export function noBaselineText(choice: CompareChoice): string {
  if (choice === 'previous') return 'This is the first run of the pipeline: nothing to compare with yet.';
  return 'No successful run before this one yet: nothing to compare with.';
}

/** `failing 4 runs in a row`, `first time`. */
export function formatStreak(consecutiveRuns: number): string {
  return consecutiveRuns <= 1 ? 'this run only' : `${consecutiveRuns} runs in a row`;
}
