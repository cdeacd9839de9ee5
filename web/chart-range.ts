// Axis ranges for the pipeline charts, from the data alone. uPlot's own guess for a time axis with a single
// point spans years (its "nice" padding of a zero-width range); here a lone point is padded by its own
// interval (the run's duration), or a day when it has none. Pure, so it is unit-tested in node.

export const DAY_SECONDS = 86_400;

/**
 * The x range in seconds for points between `min` and `max`: exactly the data when it spans some time;
 * a single point (or several at the same instant) padded on both sides by `interval`, or by a day.
 */
export function timeRange(min: number, max: number, interval: number | null = null): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, DAY_SECONDS];
  if (max > min) return [min, max];
  const pad = interval !== null && Number.isFinite(interval) && interval > 0 ? interval : DAY_SECONDS;
  return [min - pad, max + pad];
}
