// The errors page's group order and window (web/error-group-order.ts).
import { describe, expect, it } from 'vitest';
import { isErrorGroupSort, isErrorWindow, windowSince } from '../web/error-group-order.js';

describe('error group order', () => {
  it('turns a window into the API since, all time being 0', () => {
    const now = 1_800_000_000_000;
    expect(windowSince('24h', now)).toBe(now - 86_400_000);
    expect(windowSince('30d', now)).toBe(now - 30 * 86_400_000);
    expect(windowSince('all', now)).toBe(0);
  });

  it('accepts only known URL values', () => {
    expect([isErrorGroupSort('runs'), isErrorGroupSort('random'), isErrorGroupSort(null)]).toEqual([
      true,
      false,
      false,
    ]);
    expect([isErrorWindow('7d'), isErrorWindow('1y')]).toEqual([true, false]);
  });
});
