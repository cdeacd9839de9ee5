// The run comparison's decisions (server/compare/compare-runs.ts) and the normal range behind its flags
// (shared/normal-range.ts): pure, so every case is a table of figures.
import { describe, expect, it } from 'vitest';
import {
  COMPARE_LIST_LIMIT,
  compareRuns,
  errorKey,
  type CompareInput,
  type ErrorTally,
  type RunFigures,
  type StepFigures,
} from '../server/compare/compare-runs.js';
import { DURATION_FLOOR_MS, isOutside, median, normalRange } from '../shared/normal-range.js';

function step(name: string, figures: Partial<StepFigures> = {}): StepFigures {
  return { name, status: 'success', durationMs: 10_000, created: 0, updated: 0, skipped: 0, failed: 0, ...figures };
}

let nextId = 1;
function run(steps: StepFigures[], figures: Partial<RunFigures> = {}): RunFigures {
  const id = figures.id ?? nextId++;
  const sum = (key: 'created' | 'updated' | 'skipped' | 'failed') => steps.reduce((n, s) => n + s[key], 0);
  return {
    id,
    runKey: `run-${id}`,
    status: 'success',
    startedAt: id * 1000,
    durationMs: steps.reduce((n, s) => n + (s.durationMs ?? 0), 0),
    created: sum('created'),
    updated: sum('updated'),
    skipped: sum('skipped'),
    failed: sum('failed'),
    steps,
    ...figures,
  };
}

function tally(identifier: string | null, system: string | null = 'laposta', count = 1): ErrorTally {
  return { system, identifier, count, message: `failed ${identifier ?? '?'}`, lastSeen: 1 };
}

function input(overrides: Partial<CompareInput> & Pick<CompareInput, 'run'>): CompareInput {
  return {
    errors: [],
    fingerprints: [],
    baseline: null,
    history: [],
    earlierFailures: [],
    knownFingerprints: new Set(),
    ...overrides,
  };
}

/** Ten successful nights of `download` (created around 100) and `submit`. */
function steadyHistory(): RunFigures[] {
  const created = [100, 98, 103, 101, 99, 100, 102, 97, 100, 101];
  return created.map((n, i) =>
    run([step('download', { created: n, durationMs: 60_000 + i * 100 }), step('submit', { updated: 40 })]),
  );
}

describe('normalRange', () => {
  it('is the median ± 3 × MAD', () => {
    const range = normalRange([10, 12, 11, 13, 9, 10, 11]);
    // median 11, deviations 1,1,0,2,2,1,0 → MAD 1
    expect(range).toEqual({ median: 11, mad: 1, low: 8, high: 14, runs: 7 });
    expect(isOutside(14, range)).toBe(false);
    expect(isOutside(15, range)).toBe(true);
    expect(isOutside(7, range)).toBe(true);
    expect(isOutside(null, range)).toBe(false);
  });

  it('is not moved by one odd night', () => {
    const calm = normalRange([100, 101, 99, 100, 102, 98, 100, 101, 99, 100]);
    const withOutlier = normalRange([100, 101, 99, 100, 102, 98, 100, 101, 99, 5000]);
    expect(withOutlier?.median).toBe(calm?.median);
    expect(withOutlier!.high).toBeLessThan(110);
  });

  it('needs three values; nulls and non-finite values are left out', () => {
    expect(normalRange([1, 2])).toBeNull();
    expect(normalRange([1, null, 2, Number.NaN])).toBeNull();
    expect(normalRange([1, null, 2, 3])?.runs).toBe(3);
    expect(isOutside(1000, null)).toBe(false);
  });

  it('with every value the same, any change from that constant is outside', () => {
    const range = normalRange([0, 0, 0, 0, 0]);
    expect(range).toMatchObject({ median: 0, mad: 0, low: 0, high: 0 });
    expect(isOutside(0, range)).toBe(false);
    expect(isOutside(1, range)).toBe(true);
  });

  it('with a MAD of 0 but some spread, the 80th percentile deviation stands in, so seen values stay normal', () => {
    // 7 of 10 runs create exactly 5: MAD 0. A 7, seen three times, is not odd; 20 is.
    const range = normalRange([5, 5, 5, 5, 5, 5, 5, 7, 7, 7]);
    expect(range?.mad).toBe(0);
    expect(range).toMatchObject({ low: 0, high: 11 });
    expect(isOutside(7, range)).toBe(false);
    expect(isOutside(20, range)).toBe(true);
  });

  it('with a MAD of 0, one odd night still does not widen the range', () => {
    const range = normalRange([5, 5, 5, 5, 5, 5, 5, 5, 5, 5000]);
    expect(range).toMatchObject({ median: 5, low: 5, high: 5 });
    expect(isOutside(6, range)).toBe(true);
  });

  it('never flags less change than the floor, and never goes below 0', () => {
    const range = normalRange([20, 21, 20, 22, 20], DURATION_FLOOR_MS);
    expect(range?.high).toBe(20 + DURATION_FLOOR_MS);
    expect(range?.low).toBe(0);
    expect(isOutside(45, range)).toBe(false);
  });

  it('median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('compareRuns: steps', () => {
  it('gives each step the change in duration and counts, as a number and a percentage', () => {
    const baseline = run([step('download', { created: 100, durationMs: 60_000 }), step('submit', { updated: 40 })]);
    const current = run([step('download', { created: 150, durationMs: 45_000 }), step('submit', { updated: 40 })]);
    const result = compareRuns(input({ run: current, baseline: { kind: 'last-success', run: baseline, errors: [] } }));
    const download = result.steps.find((s) => s.name === 'download')!;
    expect(download.presence).toBe('both');
    expect(download.figures.created).toMatchObject({ current: 150, baseline: 100, change: 50, changePct: 50 });
    expect(download.figures.durationMs).toMatchObject({
      current: 45_000,
      baseline: 60_000,
      change: -15_000,
      changePct: -25,
    });
    expect(result.steps.find((s) => s.name === 'submit')!.figures.updated).toMatchObject({ change: 0, changePct: 0 });
    expect(result.totals.created).toMatchObject({ current: 150, baseline: 100, change: 50 });
    expect(result.baseline).toEqual({
      kind: 'last-success',
      runId: baseline.id,
      runKey: baseline.runKey,
      status: 'success',
      startedAt: baseline.startedAt,
      runIds: [baseline.id],
    });
    // No history: no ranges, nothing flagged.
    expect(download.figures.created.range).toBeNull();
    expect(result.outside).toBe(false);
  });

  it('has no percentage for a change from 0, and 0% for no change from 0', () => {
    const baseline = run([step('s', { failed: 0, created: 0 })]);
    const current = run([step('s', { failed: 3, created: 0 })]);
    const s = compareRuns(input({ run: current, baseline: { kind: 'previous', run: baseline, errors: [] } })).steps[0]!;
    expect(s.figures.failed).toMatchObject({ change: 3, changePct: null });
    expect(s.figures.created).toMatchObject({ change: 0, changePct: 0 });
  });

  it('matches steps by name: a renamed step is missing under its old name and added under its new one', () => {
    const baseline = run([step('download'), step('push-laposta'), step('report')]);
    const current = run([step('download'), step('sync-laposta'), step('report')]);
    const result = compareRuns(input({ run: current, baseline: { kind: 'last-success', run: baseline, errors: [] } }));
    expect(result.added).toEqual(['sync-laposta']);
    expect(result.missing).toEqual(['push-laposta']);
    expect(result.steps.map((s) => [s.name, s.presence])).toEqual([
      ['download', 'both'],
      ['sync-laposta', 'added'],
      ['report', 'both'],
      ['push-laposta', 'missing'],
    ]);
    const added = result.steps[1]!;
    expect(added.figures.durationMs).toMatchObject({ current: 10_000, baseline: null, change: null, changePct: null });
    const missing = result.steps[3]!;
    expect(missing).toMatchObject({ status: null, baselineStatus: 'success', outside: false });
    expect(missing.figures.durationMs).toMatchObject({ current: null, baseline: 10_000, change: null });
  });

  it('lists steps skipped in this run but not in the baseline', () => {
    const baseline = run([step('a'), step('b', { status: 'skipped' }), step('c')]);
    const current = run([step('a', { status: 'skipped' }), step('b', { status: 'skipped' }), step('c')]);
    const result = compareRuns(input({ run: current, baseline: { kind: 'previous', run: baseline, errors: [] } }));
    expect(result.skipped).toEqual(['a']);
  });

  it('flags a figure outside the normal range of the last successful runs, on the step and the run', () => {
    const history = steadyHistory();
    const current = run([step('download', { created: 180, durationMs: 60_400 }), step('submit', { updated: 40 })]);
    const result = compareRuns(
      input({ run: current, history, baseline: { kind: 'last-success', run: history[0]!, errors: [] } }),
    );
    const download = result.steps.find((s) => s.name === 'download')!;
    expect(download.figures.created.range).toMatchObject({ median: 100, runs: 10 });
    expect(download.figures.created.outside).toBe(true);
    expect(download.figures.durationMs.outside).toBe(false);
    expect(download.outside).toBe(true);
    expect(result.steps.find((s) => s.name === 'submit')!.outside).toBe(false);
    expect(result.totals.created.outside).toBe(true);
    expect(result.outside).toBe(true);
    expect(result.rangeRuns).toBe(10);
  });

  it('does not flag a value within the range, even when it differs from the baseline run', () => {
    const history = steadyHistory();
    const current = run([step('download', { created: 103, durationMs: 60_000 }), step('submit', { updated: 40 })]);
    const result = compareRuns(
      input({ run: current, history, baseline: { kind: 'last-success', run: history[0]!, errors: [] } }),
    );
    expect(result.steps[0]!.figures.created).toMatchObject({ change: 3, outside: false });
    expect(result.outside).toBe(false);
  });

  it('a step new to this run has no range yet, so it is not flagged', () => {
    const history = steadyHistory();
    const current = run([
      step('download', { created: 100 }),
      step('submit', { updated: 40 }),
      step('extra', { created: 1e6 }),
    ]);
    const result = compareRuns(
      input({ run: current, history, baseline: { kind: 'last-success', run: history[0]!, errors: [] } }),
    );
    const extra = result.steps.find((s) => s.name === 'extra')!;
    expect(extra).toMatchObject({ presence: 'added', outside: false });
    expect(extra.figures.created.range).toBeNull();
  });

  it('a running step has no duration: nothing to compare or flag', () => {
    const history = steadyHistory();
    const current = run([step('download', { status: 'running', durationMs: null, created: 50 })], {
      status: 'running',
      durationMs: null,
    });
    const result = compareRuns(
      input({ run: current, history, baseline: { kind: 'last-success', run: history[0]!, errors: [] } }),
    );
    expect(result.steps[0]!.figures.durationMs).toMatchObject({ current: null, change: null, outside: false });
    expect(result.totals.durationMs.outside).toBe(false);
  });
});

describe('compareRuns: the median baseline', () => {
  it('compares with the median of each figure over the last successful runs', () => {
    const history = steadyHistory();
    const current = run([step('download', { created: 120, durationMs: 60_000 }), step('submit', { updated: 40 })]);
    const result = compareRuns(input({ run: current, history, baseline: { kind: 'median', errors: [] } }));
    expect(result.baseline).toEqual({
      kind: 'median',
      runId: null,
      runKey: null,
      status: null,
      startedAt: null,
      runIds: history.map((r) => r.id),
    });
    const download = result.steps[0]!;
    // created 97..103 → median 100; durations 60 000 + 0..900 → median 60 450.
    expect(download.figures.created).toMatchObject({ baseline: 100, change: 20, changePct: 20 });
    expect(download.figures.durationMs).toMatchObject({ baseline: 60_450, change: -450 });
    expect(result.totals.created.baseline).toBe(100);
    expect(result.added).toEqual([]);
    expect(result.missing).toEqual([]);
  });

  it('counts a step as in the baseline when at least half the runs had it (a rename in progress)', () => {
    // 3 of 10 runs already use the new name: the old one is the baseline's, the new one is added.
    const history = Array.from({ length: 10 }, (_, i) => run([step(i < 3 ? 'sync-laposta' : 'push-laposta')]));
    const current = run([step('sync-laposta')]);
    const result = compareRuns(input({ run: current, history, baseline: { kind: 'median', errors: [] } }));
    expect(result.added).toEqual(['sync-laposta']);
    expect(result.missing).toEqual(['push-laposta']);
  });

  it('takes a median step status as its most common one', () => {
    const history = Array.from({ length: 4 }, (_, i) =>
      run([step('mail', { status: i === 0 ? 'success' : 'skipped' })]),
    );
    const current = run([step('mail', { status: 'skipped' })]);
    const result = compareRuns(input({ run: current, history, baseline: { kind: 'median', errors: [] } }));
    expect(result.steps[0]!.baselineStatus).toBe('skipped');
    expect(result.skipped).toEqual([]);
  });

  it('with no successful runs yet, a median is no baseline', () => {
    const current = run([step('download')]);
    const result = compareRuns(input({ run: current, baseline: { kind: 'median', errors: [] } }));
    expect(result.baseline).toBeNull();
    expect(result.errors).toBeNull();
  });
});

describe('compareRuns: no baseline yet', () => {
  it('lists this run’s steps with nothing to compare, flags nothing, and still finds new fingerprints', () => {
    const current = run([step('download', { created: 5 }), step('submit')], { status: 'failure' });
    const result = compareRuns(
      input({
        run: current,
        errors: [tally('KNVB1')],
        fingerprints: [{ fingerprint: 'f1', message: 'boom', system: 'laposta', count: 2 }],
      }),
    );
    expect(result.baseline).toBeNull();
    expect(result.rangeRuns).toBe(0);
    expect(result.steps.map((s) => [s.name, s.presence])).toEqual([
      ['download', 'both'],
      ['submit', 'both'],
    ]);
    expect(result.steps[0]!.figures.created).toMatchObject({ current: 5, baseline: null, change: null });
    expect(result.added).toEqual([]);
    expect(result.missing).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.errors).toBeNull();
    expect(result.newFingerprints).toEqual([{ fingerprint: 'f1', message: 'boom', system: 'laposta', count: 2 }]);
    expect(result.outside).toBe(false);
  });
});

describe('compareRuns: errors by (system, identifier)', () => {
  it('splits into new, still failing and resolved', () => {
    const baseline = run([step('submit')]);
    const current = run([step('submit')]);
    const result = compareRuns(
      input({
        run: current,
        errors: [tally('A', 'laposta', 2), tally('B'), tally('A', 'sportlink')],
        baseline: { kind: 'previous', run: baseline, errors: [tally('A'), tally('C', 'laposta', 4)] },
        earlierFailures: [new Set([errorKey('laposta', 'A'), errorKey('laposta', 'C')])],
      }),
    );
    const keys = (list: { items: Array<{ system: string | null; identifier: string | null }> }) =>
      list.items.map((e) => `${e.system}/${e.identifier}`);
    expect(keys(result.errors!.new).sort()).toEqual(['laposta/B', 'sportlink/A']);
    expect(keys(result.errors!.stillFailing)).toEqual(['laposta/A']);
    expect(result.errors!.stillFailing.items[0]).toMatchObject({ count: 2, consecutiveRuns: 2 });
    expect(keys(result.errors!.resolved)).toEqual(['laposta/C']);
    expect(result.errors!.resolved.items[0]).toMatchObject({ count: 4, consecutiveRuns: 0 });
    expect(result.errors!.new.items.every((e) => e.consecutiveRuns === 1)).toBe(true);
  });

  it('counts consecutive runs back from this one, stopping at the first run without the failure', () => {
    const key = errorKey('laposta', 'A');
    const other = errorKey('laposta', 'Z');
    let pulled = 0;
    const earlier = [new Set([key]), new Set([key, other]), new Set([other]), new Set([key]), new Set([key])];
    const lazy = (function* () {
      for (const keys of earlier) {
        pulled++;
        yield keys;
      }
    })();
    const result = compareRuns(
      input({
        run: run([]),
        errors: [tally('A')],
        baseline: { kind: 'previous', run: run([]), errors: [tally('A')] },
        earlierFailures: lazy,
      }),
    );
    expect(result.errors!.stillFailing.items[0]!.consecutiveRuns).toBe(3);
    // Stopped reading at the run where the streak broke.
    expect(pulled).toBe(3);
  });

  it('groups errors that name no record under (system, null), apart from each system', () => {
    const result = compareRuns(
      input({
        run: run([]),
        errors: [tally(null, 's3'), tally(null, null)],
        baseline: { kind: 'previous', run: run([]), errors: [tally(null, 's3')] },
      }),
    );
    expect(result.errors!.stillFailing.items.map((e) => [e.system, e.identifier])).toEqual([['s3', null]]);
    expect(result.errors!.new.items.map((e) => [e.system, e.identifier])).toEqual([[null, null]]);
  });

  it('keys cannot collide through a separator in a value', () => {
    expect(errorKey('a|b', 'c')).not.toBe(errorKey('a', 'b|c'));
    expect(errorKey(null, 'x')).not.toBe(errorKey('null', 'x'));
  });

  it('caps each list, keeping the total', () => {
    const many = Array.from({ length: COMPARE_LIST_LIMIT + 50 }, (_, i) => tally(`id-${i}`));
    const result = compareRuns(
      input({ run: run([]), errors: many, baseline: { kind: 'previous', run: run([]), errors: [] } }),
    );
    expect(result.errors!.new.items).toHaveLength(COMPARE_LIST_LIMIT);
    expect(result.errors!.new.total).toBe(COMPARE_LIST_LIMIT + 50);
  });

  it('with the median baseline, compares errors with the newest successful run’s', () => {
    const history = steadyHistory();
    const result = compareRuns(
      input({ run: run([]), history, errors: [tally('A')], baseline: { kind: 'median', errors: [tally('A')] } }),
    );
    expect(result.errors!.stillFailing.total).toBe(1);
  });
});

describe('compareRuns: fingerprints new to the pipeline', () => {
  it('lists only the fingerprints never seen before, most frequent first', () => {
    const result = compareRuns(
      input({
        run: run([]),
        fingerprints: [
          { fingerprint: 'old', message: 'timeout', system: 'laposta', count: 9 },
          { fingerprint: 'n1', message: 'quota exceeded', system: 's3', count: 1 },
          { fingerprint: 'n2', message: 'bad token', system: null, count: 4 },
        ],
        knownFingerprints: new Set(['old']),
      }),
    );
    expect(result.newFingerprints.map((f) => f.fingerprint)).toEqual(['n2', 'n1']);
  });
});
