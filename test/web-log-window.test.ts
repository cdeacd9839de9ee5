import { describe, expect, it } from 'vitest';
import {
  snapsToLiveEnd,
  isAtBottom,
  isNearTop,
  maxRenderedRows,
  rowWindow,
  scrollAfterPrepend,
  scrollToCenter,
} from '../web/log-window.js';

describe('rowWindow', () => {
  const base = { viewportHeight: 400, rowHeight: 20, overscan: 5 };

  it('renders only the visible slice plus overscan, whatever the row count', () => {
    const win = rowWindow({ ...base, scrollTop: 20 * 50_000, rowCount: 100_000 });
    expect(win.start).toBe(50_000 - 5);
    expect(win.end).toBe(50_000 + 21 + 5);
    expect(win.offsetTop).toBe(win.start * 20);
    expect(win.totalHeight).toBe(2_000_000);
    expect(win.end - win.start).toBeLessThanOrEqual(maxRenderedRows(400, 20, 5));
  });

  it('clamps at the top and the bottom', () => {
    expect(rowWindow({ ...base, scrollTop: -100, rowCount: 1000 })).toMatchObject({ start: 0, end: 26 });
    const bottom = rowWindow({ ...base, scrollTop: 10_000_000, rowCount: 1000 });
    expect(bottom.end).toBe(1000);
    expect(bottom.start).toBe(1000 - 20 - 5);
  });

  it('handles fewer rows than fit, and none', () => {
    expect(rowWindow({ ...base, scrollTop: 0, rowCount: 3 })).toMatchObject({ start: 0, end: 3, totalHeight: 60 });
    expect(rowWindow({ ...base, scrollTop: 0, rowCount: 0 })).toMatchObject({ start: 0, end: 0, totalHeight: 0 });
  });

  it('never exceeds the bound over a sweep of scroll positions (seeded)', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const bound = maxRenderedRows(400, 20, 5);
    for (let i = 0; i < 1000; i++) {
      const rowCount = Math.floor(random() * 200_000);
      const win = rowWindow({ ...base, scrollTop: random() * rowCount * 20, rowCount });
      expect(win.end - win.start, `seed 12345 step ${i}`).toBeLessThanOrEqual(bound);
      expect(win.start).toBeGreaterThanOrEqual(0);
      expect(win.end).toBeLessThanOrEqual(rowCount);
    }
  });
});

describe('scroll helpers', () => {
  it('detects the live end with slack for sub-pixel positions', () => {
    expect(isAtBottom(600, 400, 1000)).toBe(true);
    expect(isAtBottom(597.5, 400, 1000)).toBe(true);
    expect(isAtBottom(500, 400, 1000)).toBe(false);
  });
  it('keeps a following viewer at the live end, except when the operator has just scrolled up', () => {
    const view = { scrollTop: 1000, lastSeenTop: 1000, viewportHeight: 500, scrollHeight: 1800 };
    // Rows grew under it (wrapping measured): back to the end.
    expect(snapsToLiveEnd(true, view)).toBe(true);
    // Scrolled up since last seen, before the scroll handler ran: leave it where the operator put it.
    expect(snapsToLiveEnd(true, { ...view, scrollTop: 0 })).toBe(false);
    // Already at the end, or not following: nothing to do.
    expect(snapsToLiveEnd(true, { ...view, scrollTop: 1300, lastSeenTop: 1300 })).toBe(false);
    expect(snapsToLiveEnd(false, view)).toBe(false);
  });

  it('asks for older lines within a screen of the top', () => {
    expect(isNearTop(300, 400)).toBe(true);
    expect(isNearTop(401, 400)).toBe(false);
  });
  it('keeps the same rows on screen after a prepend', () => {
    expect(scrollAfterPrepend(100, 1000, 20)).toBe(20_100);
  });
  it('centres a row, clamped to the scrollable range', () => {
    expect(scrollToCenter(100, 20, 400, 1000)).toBe(2000 - 190);
    expect(scrollToCenter(0, 20, 400, 1000)).toBe(0);
    expect(scrollToCenter(999, 20, 400, 1000)).toBe(20_000 - 400);
  });
});
