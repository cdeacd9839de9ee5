import { describe, expect, it } from 'vitest';
import { DAY_SECONDS, timeRange } from '../web/chart-range.js';

describe('timeRange', () => {
  it('is exactly the data when the points span some time', () => {
    expect(timeRange(1000, 5000, 30)).toEqual([1000, 5000]);
  });

  it('pads a single point by its own interval (issue 10 bug 3)', () => {
    expect(timeRange(1_800_000_000, 1_800_000_000, 42)).toEqual([1_799_999_958, 1_800_000_042]);
  });

  it('pads a single point by a day when it has no interval', () => {
    const t = 1_800_000_000;
    expect(timeRange(t, t)).toEqual([t - DAY_SECONDS, t + DAY_SECONDS]);
    expect(timeRange(t, t, 0)).toEqual([t - DAY_SECONDS, t + DAY_SECONDS]);
    expect(timeRange(t, t, Number.NaN)).toEqual([t - DAY_SECONDS, t + DAY_SECONDS]);
  });

  it('never returns a range wider than the data plus the padding', () => {
    const [min, max] = timeRange(10, 10, 5);
    expect(max - min).toBe(10);
  });

  it('gives a usable range for no data', () => {
    expect(timeRange(Number.NaN, Number.NaN)).toEqual([0, DAY_SECONDS]);
  });
});
