// The "Compared with" panel's words and the pipeline history's unusual-run marks: pure, in node.
import { describe, expect, it } from 'vitest';
import type { RunView } from '../shared/api.js';
import type { FigureChange } from '../shared/api-compare.js';
import { describeBaseline, formatChange, formatRange, withParam } from '../web/run-compare-model.js';
import { historyOutliers } from '../web/run-history-outliers.js';

const change = (c: Partial<FigureChange>): FigureChange => ({
  current: null,
  baseline: null,
  change: null,
  changePct: null,
  range: null,
  outside: false,
  ...c,
});

describe('run comparison words', () => {
  it('formats changes with sign and percentage', () => {
    expect(formatChange('created', change({ change: 79, changePct: 78.2 }))).toBe('+79 (+78%)');
    expect(formatChange('durationMs', change({ change: -150_000, changePct: -25 }))).toBe('−2 m 30 s (−25%)');
    expect(formatChange('failed', change({ change: 3, changePct: null }))).toBe('+3');
    expect(formatChange('updated', change({ change: 0, changePct: 0 }))).toBe('±0');
    expect(formatChange('updated', change({ change: 1, changePct: 2.5 }))).toBe('+1 (+2.5%)');
    expect(formatChange('updated', change({}))).toBe('—');
  });

  it('describes the range and the baseline', () => {
    const range = { median: 100, mad: 1, low: 97, high: 103, runs: 10 };
    expect(formatRange('created', change({ range }))).toBe('normal range 97 – 103 (median 100 of 10 successful runs)');
    expect(formatRange('created', change({}))).toBe('');
    const base = { runKey: 'k', startedAt: 1 };
    expect(describeBaseline({ ...base, kind: 'last-success', runId: 41, status: 'success', runIds: [41] })).toBe(
      'run #41 (success)',
    );
    expect(describeBaseline({ ...base, kind: 'median', runId: null, status: null, runIds: [1, 2, 3] })).toBe(
      'median of 3 successful runs',
    );
  });

  it('asks the API for a run id only when one is typed', () => {
    expect(withParam('median', '')).toBe('median');
    expect(withParam('run', ' #42 ')).toBe('42');
    expect(withParam('run', 'abc')).toBeNull();
    expect(withParam('run', '0')).toBeNull();
  });
});

function runView(id: number, created: number, status: RunView['status'] = 'success', durationMs = 60_000): RunView {
  return {
    id,
    runKey: `r${id}`,
    club: 'c',
    pipeline: 'p',
    trigger: null,
    status,
    startedAt: id * 1000,
    finishedAt: null,
    durationMs,
    counts: { created, updated: 0, skipped: 0, failed: 0 },
    errorCount: 0,
    logCount: 0,
    host: null,
    pid: null,
    exitCode: null,
    endReason: null,
    summary: null,
    lastEventAt: null,
  };
}

describe('historyOutliers', () => {
  it('marks a run whose figures fall outside the range of the successful runs before it', () => {
    // Newest first: run 12 created 180, the ten before around 100; run 6 failed and does not count.
    const older = [100, 98, 103, 101, 99, 100, 102, 97, 100, 101].map((n, i) => runView(11 - i, n));
    older[5] = runView(6, 5000, 'failure');
    const runs = [runView(13, 0, 'running'), runView(12, 180, 'failure', 600_000), ...older];
    const marks = historyOutliers(runs);
    expect(marks.get(12)).toEqual(['durationMs', 'created']);
    expect(marks.has(13)).toBe(false);
    // Run 6's own figures are judged against the successful runs before it.
    expect(marks.get(6)).toEqual(['created']);
    expect([...marks.keys()].sort()).toEqual([12, 6]);
    // The same array gives the same answer without recomputing.
    expect(historyOutliers(runs)).toBe(marks);
  });

  it('marks nothing with fewer than three successful runs before', () => {
    expect(historyOutliers([runView(3, 999), runView(2, 1), runView(1, 1)]).size).toBe(0);
  });
});
