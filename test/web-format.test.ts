import { describe, expect, it } from 'vitest';
import {
  compactJson,
  formatAxisCount,
  formatAxisSeconds,
  plural,
  formatClock,
  formatCount,
  formatDateTime,
  formatDuration,
  formatPercent,
  formatRelative,
  progressFraction,
} from '../web/format.js';
import { TONE_LABELS, runTone } from '../web/status.js';
import { median } from '../shared/normal-range.js';
import { countColumns, durationColumns } from '../web/stats.js';
import type { RunStatus } from '../shared/events.js';

describe('formatDuration', () => {
  it('picks the unit by magnitude', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(999)).toBe('999 ms');
    expect(formatDuration(1000)).toBe('1.0 s');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(9999)).toBe('9.9 s');
    expect(formatDuration(10_000)).toBe('10 s');
    expect(formatDuration(59_999)).toBe('59 s');
    expect(formatDuration(60_000)).toBe('1 m 00 s');
    expect(formatDuration(185_000)).toBe('3 m 05 s');
    expect(formatDuration(3_600_000)).toBe('1 h 00 m');
    expect(formatDuration(7_440_000)).toBe('2 h 04 m');
    expect(formatDuration(86_400_000 * 3 + 3_600_000 * 4)).toBe('3 d 4 h');
  });

  it('shows a dash for unknown or impossible values', () => {
    for (const bad of [null, undefined, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(formatDuration(bad)).toBe('—');
  });
});

describe('formatRelative', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  it('says how long ago, coarsening with age', () => {
    expect(formatRelative(now, now)).toBe('just now');
    expect(formatRelative(now - 4_999, now)).toBe('just now');
    expect(formatRelative(now - 12_000, now)).toBe('12 s ago');
    expect(formatRelative(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatRelative(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatRelative(now - 2 * 86_400_000, now)).toBe('2 d ago');
  });
  it('handles times ahead of the clock (skew) and missing times', () => {
    expect(formatRelative(now + 30_000, now)).toBe('in 30 s');
    expect(formatRelative(null, now)).toBe('—');
  });
});

describe('clock and date', () => {
  it('formats local wall-clock time with milliseconds', () => {
    const t = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();
    expect(formatClock(t)).toBe('03:04:05.006');
    expect(formatDateTime(t)).toBe('2026-01-02 03:04:05');
    expect(formatClock(null)).toBe('—');
  });
});

describe('counts and progress', () => {
  it('groups thousands with a narrow space', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(12345)).toBe('12\u202f345');
    expect(formatCount(1234567)).toBe('1\u202f234\u202f567');
    expect(formatCount(-1500)).toBe('-1\u202f500');
    expect(formatCount(null)).toBe('—');
  });
  it('computes a bounded progress fraction, null without a usable total', () => {
    expect(progressFraction(5, 10)).toBe(0.5);
    expect(progressFraction(15, 10)).toBe(1);
    expect(progressFraction(-1, 10)).toBe(0);
    expect(progressFraction(5, null)).toBeNull();
    expect(progressFraction(5, 0)).toBeNull();
    expect(formatPercent(0.999)).toBe('99%');
    expect(formatPercent(null)).toBe('—');
  });
  it('renders extra fields compactly and bounded', () => {
    expect(compactJson(null)).toBe('');
    expect(compactJson({ a: 1 })).toBe('{"a":1}');
    expect(compactJson('x'.repeat(500), 10)).toBe('xxxxxxxxx…');
  });
});

describe('axis ticks', () => {
  it('keep neighbouring duration ticks apart', () => {
    expect(formatAxisSeconds(0.0002, 0.0002)).toBe('0.2 ms');
    expect(formatAxisSeconds(0.0004, 0.0002)).toBe('0.4 ms');
    expect(formatAxisSeconds(0.05, 0.05)).toBe('50 ms');
    expect(formatAxisSeconds(1.5, 0.5)).toBe('1.5 s');
    expect(formatAxisSeconds(30, 10)).toBe('30 s');
    expect(formatAxisSeconds(120, 60)).toBe('2 m 00 s');
  });
  it('count ticks are whole unless the step is fractional', () => {
    expect(formatAxisCount(12000, 2000)).toBe('12\u202f000');
    expect(formatAxisCount(1.5, 0.5)).toBe('1.5');
  });
  it('pluralises', () => {
    expect(plural(1, 'error')).toBe('1 error');
    expect(plural(2, 'error')).toBe('2 errors');
    expect(plural(0, 'run')).toBe('0 runs');
  });
});

describe('runTone', () => {
  it('marks a success with failed records apart from a clean success', () => {
    expect(runTone({ status: 'success', failed: 0 })).toBe('success');
    expect(runTone({ status: 'success', failed: 3 })).toBe('partial');
    expect(TONE_LABELS.partial).toBe('success with failed records');
    expect(runTone({ status: 'failure', failed: 3 })).toBe('failure');
    expect(runTone({ status: 'running', failed: 3 })).toBe('running');
    expect(runTone({ status: 'abandoned', failed: 0 })).toBe('abandoned');
  });
});

describe('chart statistics', () => {
  it('median of odd, even and empty lists, ignoring non-finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(median([Number.NaN, 5])).toBe(5);
  });

  const run = (startedAt: number | null, durationMs: number | null, failed = 0, status: RunStatus = 'success') => ({
    status,
    startedAt,
    durationMs,
    counts: { created: 1, updated: 2, skipped: 3, failed },
  });

  it('duration columns are chronological, in seconds, with a flat median line', () => {
    const cols = durationColumns([run(3000, 30_000), run(1000, 10_000), run(null, 5), run(2000, null)]);
    expect(cols[0]).toEqual([1, 2, 3]);
    expect(cols[1]).toEqual([10, null, 30]);
    expect(cols[2]).toEqual([20, 20, 20]);
    expect(cols[3]).toEqual([null, null, null]);
  });

  it('ended and abandoned runs leave the duration line for a column of their own', () => {
    const cols = durationColumns([
      run(1000, 10_000),
      run(2000, 20_000, 0, 'ended'),
      run(3000, 30_000, 0, 'abandoned'),
      run(4000, 40_000, 0, 'failure'),
    ]);
    expect(cols[1]).toEqual([10, null, null, 40]);
    expect(cols[2]).toEqual([25, 25, 25, 25]);
    expect(cols[3]).toEqual([null, 20, 30, null]);
  });

  it('count columns carry one series per count kind', () => {
    const cols = countColumns([run(2000, 1, 4), run(1000, 1, 0)]);
    expect(cols).toEqual([
      [1, 2],
      [1, 1],
      [2, 2],
      [3, 3],
      [0, 4],
      [null, null],
    ]);
  });

  it('count columns mark ended and abandoned runs at their total records', () => {
    const cols = countColumns([run(1000, 1, 0, 'ended'), run(2000, 1, 4, 'abandoned'), run(3000, 1, 0)]);
    expect(cols[5]).toEqual([6, 10, null]);
  });
});
