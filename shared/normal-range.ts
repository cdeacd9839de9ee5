// The normal range of a figure (a duration, a record count) over a pipeline's recent successful runs: the median
// ± 3 × MAD, so one odd night neither widens nor shifts it the way a mean and standard deviation would. Pure and
// DOM-free: the server's run comparison and the pipeline page's history marks use the same arithmetic.
// NormalRange's shape is written once, as the schema the API serialises it by; a type import keeps this module free
// of TypeBox for the browser.
import type { NormalRange } from './api-compare-schemas.js';

export type { NormalRange };

/** Fewer successful runs than this give no range: two or three nights say nothing about "normal". */
export const MIN_RANGE_RUNS = 3;
/** How many of the latest successful runs the range is taken over. */
export const RANGE_WINDOW_RUNS = 10;
/** How many MADs either side of the median are still normal. */
export const RANGE_MADS = 3;
/**
 * Durations are never flagged for less than this much change: a step that always takes 20 ms has a MAD of a few
 * ms, and 45 ms is jitter, not news, for a job that runs from cron.
 */
export const DURATION_FLOOR_MS = 1000;

/** With a MAD of 0, the quantile of absolute deviations used instead (nearest rank). */
const FALLBACK_QUANTILE = 0.8;

/** Median of the finite values; null when there are none. */
export function median(values: readonly number[]): number | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The normal range of `values` (null and non-finite values are left out), or null with fewer than
 * MIN_RANGE_RUNS of them.
 *
 * When the MAD is 0 (at least half the runs sit exactly on the median: a count that is usually the same), the 80th
 * percentile of the absolute deviations stands in for it, so a value the history has seen in a fair share of runs is
 * not flagged as odd, while a single odd night (10% of a window of ten) still cannot widen the range. When that is
 * 0 too, (nearly) every run had the same value, and any change from that constant is outside the range. `floor`
 * is the least half-width (DURATION_FLOOR_MS for durations, 0 for counts).
 */
export function normalRange(values: ReadonlyArray<number | null>, floor = 0): NormalRange | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (known.length < MIN_RANGE_RUNS) return null;
  const middle = median(known) as number;
  const deviations = known.map((v) => Math.abs(v - middle)).sort((a, b) => a - b);
  const mad = median(deviations) as number;
  const spread = mad > 0 ? mad : (deviations[Math.ceil(deviations.length * FALLBACK_QUANTILE) - 1] as number);
  const halfWidth = Math.max(RANGE_MADS * spread, floor);
  return { median: middle, mad, low: Math.max(0, middle - halfWidth), high: middle + halfWidth, runs: known.length };
}

/** True when `value` is known and falls outside `range`. */
export function isOutside(value: number | null, range: NormalRange | null): boolean {
  return value !== null && range !== null && Number.isFinite(value) && (value < range.low || value > range.high);
}
