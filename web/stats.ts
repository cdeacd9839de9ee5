// Small statistics for the pipeline charts.
import type { RunStatus } from '../shared/events.js';
import { median } from '../shared/normal-range.js';

export interface ChartRun {
  status: RunStatus;
  startedAt: number | null;
  durationMs: number | null;
  counts: { created: number; updated: number; skipped: number; failed: number };
}

/** uPlot's columnar data: x in seconds ascending, one column per series (null = gap). */
export type Columns = [number[], ...(number | null)[][]];

/** Runs with a start time, oldest first (the API pages newest first). */
function chronological<T extends ChartRun>(runs: readonly T[]): T[] {
  return runs.filter((r) => r.startedAt !== null).sort((a, b) => a.startedAt! - b.startedAt!);
}

/**
 * Runs drawn apart, as grey points off the lines: an ended run recorded no outcome, an abandoned one crashed, and
 * either's duration runs only to its last line, so neither belongs on the line of real runs.
 */
export function drawnApart(status: RunStatus): boolean {
  return status === 'ended' || status === 'abandoned';
}

/** Duration in seconds per run (ended and abandoned runs in a column of their own), plus a flat median line. */
export function durationColumns(runs: readonly ChartRun[]): Columns {
  const rows = chronological(runs);
  const xs = rows.map((r) => r.startedAt! / 1000);
  const durations = rows.map((r) => (r.durationMs === null ? null : r.durationMs / 1000));
  const mid = median(durations.filter((d): d is number => d !== null));
  return [
    xs,
    rows.map((r, i) => (drawnApart(r.status) ? null : durations[i]!)),
    rows.map(() => mid),
    rows.map((r, i) => (drawnApart(r.status) ? durations[i]! : null)),
  ];
}

export const COUNT_SERIES = ['created', 'updated', 'skipped', 'failed'] as const;

/** Each count per run, plus a column marking ended and abandoned runs at their total records. */
export function countColumns(runs: readonly ChartRun[]): Columns {
  const rows = chronological(runs);
  return [
    rows.map((r) => r.startedAt! / 1000),
    ...COUNT_SERIES.map((key) => rows.map((r) => r.counts[key])),
    rows.map((r) => (drawnApart(r.status) ? COUNT_SERIES.reduce((sum, key) => sum + r.counts[key], 0) : null)),
  ];
}
