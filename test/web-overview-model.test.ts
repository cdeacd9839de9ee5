import { describe, expect, it } from 'vitest';
import type { PipelineSummary, RunView, StepView } from '../shared/api.js';
import {
  STRIP_LENGTH,
  activeStep,
  applyRun,
  applyRuns,
  applySteps,
  clubsOf,
  compareRecency,
  groupByClub,
  mergeSteps,
  runningPipelines,
} from '../web/overview-model.js';
import { appendPage, upsertRuns } from '../web/run-history-model.js';
import { timelineBars, timelineSpan } from '../web/timeline-model.js';
import { mergeErrors } from '../web/run-errors-model.js';

function run(id: number, patch: Partial<RunView> = {}): RunView {
  return {
    id,
    runKey: `r${id}`,
    club: 'north',
    pipeline: 'sync',
    trigger: 'cron',
    status: 'success',
    startedAt: 1000 * id,
    finishedAt: 1000 * id + 500,
    durationMs: 500,
    counts: { created: 0, updated: 0, skipped: 0, failed: 0 },
    errorCount: 0,
    logCount: 10,
    host: 'h',
    pid: 1,
    exitCode: 0,
    endReason: null,
    summary: null,
    lastEventAt: 1000 * id + 500,
    ...patch,
  };
}

function step(name: string, seq: number, patch: Partial<StepView> = {}): StepView {
  return {
    name,
    seq,
    status: 'success',
    startedAt: 1000,
    finishedAt: 2000,
    durationMs: 1000,
    counts: { created: 0, updated: 0, skipped: 0, failed: 0 },
    progress: null,
    stats: null,
    ...patch,
  };
}

describe('overview model', () => {
  it('adds a pipeline the first time one of its runs shows up', () => {
    const next = applyRun([], run(1, { status: 'running', club: 'south', pipeline: 'import' }));
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ club: 'south', pipeline: 'import', runs24h: 1 });
    expect(next[0]!.lastRun!.id).toBe(1);
    expect(next[0]!.recent.map((d) => d.id)).toEqual([1]);
  });

  it('a newer run becomes the last run; an older one only updates its dot', () => {
    let list = applyRun([], run(5));
    list = applyRun(list, run(6, { status: 'running' }));
    expect(list[0]!.lastRun!.id).toBe(6);
    list = applyRun(list, run(5, { status: 'failure', lastEventAt: 99_999 }));
    expect(list[0]!.lastRun!.id).toBe(6);
    expect(list[0]!.recent.find((d) => d.id === 5)!.status).toBe('failure');
    expect(list[0]!.recent.map((d) => d.id)).toEqual([5, 6]);
  });

  it('ignores a state older than the one shown (a replay over a newer snapshot)', () => {
    let list = applyRun([], run(7, { status: 'success', lastEventAt: 2000 }));
    list = applyRun(list, run(7, { status: 'running', lastEventAt: 1500 }));
    expect(list[0]!.lastRun!.status).toBe('success');
  });

  it('keeps the strip to the last runs, oldest first', () => {
    let list: PipelineSummary[] = [];
    for (let id = 1; id <= STRIP_LENGTH + 5; id++) list = applyRun(list, run(id));
    expect(list[0]!.recent).toHaveLength(STRIP_LENGTH);
    expect(list[0]!.recent[0]!.id).toBe(6);
    expect(list[0]!.recent.at(-1)!.id).toBe(STRIP_LENGTH + 5);
  });

  it('open errors follow the last finished run', () => {
    let list = applyRun([], run(1, { errorCount: 4 }));
    expect(list[0]!.openErrors).toBe(4);
    list = applyRun(list, run(2, { status: 'running', errorCount: 1 }));
    expect(list[0]!.openErrors).toBe(4);
    list = applyRun(list, run(2, { status: 'success', errorCount: 0, lastEventAt: 1e9 }));
    expect(list[0]!.openErrors).toBe(0);
  });

  it('step progress of the running last run is merged by name in timeline order', () => {
    let list = applyRun([], run(3, { status: 'running' }));
    list = applySteps(list, 3, [step('b', 2, { status: 'running', progress: { done: 1, total: 10 } })]);
    list = applySteps(list, 3, [step('a', 1), step('b', 2, { status: 'running', progress: { done: 7, total: 10 } })]);
    list = applySteps(list, 99, [step('zzz', 1)]);
    expect(list[0]!.lastRunSteps.map((s) => s.name)).toEqual(['a', 'b']);
    expect(activeStep(list[0]!.lastRunSteps)!.progress).toEqual({ done: 7, total: 10 });
    // A new last run starts with no steps.
    list = applyRun(list, run(4, { status: 'running' }));
    expect(list[0]!.lastRunSteps).toEqual([]);
  });

  it('groups by club, puts running runs on top, lists clubs', () => {
    const list = applyRuns(
      [],
      [
        run(1, { club: 'b', pipeline: 'y' }),
        run(2, { club: 'a', pipeline: 'z', status: 'running', startedAt: 50 }),
        run(3, { club: 'a', pipeline: 'x', status: 'running', startedAt: 10 }),
      ],
    );
    expect(groupByClub(list, null).map((g) => [g.club, g.pipelines.map((p) => p.pipeline)])).toEqual([
      ['a', ['x', 'z']],
      ['b', ['y']],
    ]);
    expect(groupByClub(list, 'b').map((g) => g.club)).toEqual(['b']);
    expect(runningPipelines(list, null).map((p) => p.pipeline)).toEqual(['x', 'z']);
    expect(runningPipelines(list, 'b')).toEqual([]);
    expect(clubsOf(list)).toEqual(['a', 'b']);
  });

  it('mergeSteps replaces by name and sorts by seq', () => {
    expect(
      mergeSteps([step('x', 2), step('y', 1)], [step('x', 2, { status: 'failure' })]).map((s) => [s.name, s.status]),
    ).toEqual([
      ['y', 'success'],
      ['x', 'failure'],
    ]);
  });
});

describe('run history model', () => {
  it('live states update shown runs and put new ones on top', () => {
    const shown = [run(3), run(2), run(1)];
    const next = upsertRuns(shown, [
      run(4, { status: 'running' }),
      run(2, { status: 'failure', lastEventAt: 1e9 }),
      run(0),
    ]);
    expect(next.map((r) => [r.id, r.status])).toEqual([
      [4, 'running'],
      [3, 'success'],
      [2, 'failure'],
      [1, 'success'],
    ]);
    // An older run beyond what is loaded waits for its page, unless everything is loaded.
    expect(upsertRuns(shown, [run(0)], true).map((r) => r.id)).toEqual([3, 2, 1, 0]);
  });

  it('orders by start time, not by id (ingest may number a run late)', () => {
    const shown = [run(5, { startedAt: 5000 }), run(4, { startedAt: 4000 })];
    expect(upsertRuns(shown, [run(9, { startedAt: 4500 })]).map((r) => r.id)).toEqual([5, 9, 4]);
    expect(compareRecency(run(1, { startedAt: null }), run(2, { startedAt: 1 }))).toBeLessThan(0);
    expect(compareRecency(run(3, { startedAt: 7 }), run(2, { startedAt: 7 }))).toBeGreaterThan(0);
  });

  it('a reload keeps the live states that came while it was in flight, and takes its own where they are newer', () => {
    // Shown: run 3 ended (its live state came during the fetch); run 4 started meanwhile. The snapshot predates both.
    const shown = [
      run(4, { status: 'running', lastEventAt: 9_000 }),
      run(3, { status: 'success', lastEventAt: 8_000 }),
    ];
    const snapshot = [run(3, { status: 'running', lastEventAt: 5_000 }), run(2), run(1)];
    expect(upsertRuns(snapshot, shown, false).map((r) => [r.id, r.status])).toEqual([
      [4, 'running'],
      [3, 'success'],
      [2, 'success'],
      [1, 'success'],
    ]);
    // A snapshot newer than what is shown wins for that run.
    const older = [run(3, { status: 'running', lastEventAt: 5_000 })];
    const newer = [run(3, { status: 'failure', lastEventAt: 7_000 }), run(2)];
    expect(upsertRuns(newer, older, false).map((r) => [r.id, r.status])).toEqual([
      [3, 'failure'],
      [2, 'success'],
    ]);
  });

  it('a next page never repeats a run already shown', () => {
    expect(appendPage([run(5), run(4)], [run(4), run(3)]).map((r) => r.id)).toEqual([5, 4, 3]);
  });
});

describe('timeline model', () => {
  it('places step bars on the run span', () => {
    const span = timelineSpan({ startedAt: 0, finishedAt: 1000 }, [], 5000)!;
    expect(span).toEqual({ start: 0, end: 1000 });
    const bars = timelineBars(
      span,
      [step('b', 2, { startedAt: 500, finishedAt: 1000 }), step('a', 1, { startedAt: 0, finishedAt: 250 })],
      5000,
    );
    expect(bars.map((b) => [b.step.name, b.left, b.width])).toEqual([
      ['a', 0, 0.25],
      ['b', 0.5, 0.5],
    ]);
  });

  it('a running step grows to now, and the span with it', () => {
    const steps = [step('a', 1, { status: 'running', startedAt: 100, finishedAt: null, durationMs: null })];
    const span = timelineSpan({ startedAt: 0, finishedAt: null }, steps, 400)!;
    expect(span).toEqual({ start: 0, end: 400 });
    const [bar] = timelineBars(span, steps, 400);
    expect(bar).toMatchObject({ left: 0.25, width: 0.75, elapsedMs: 300 });
  });

  it('has no span without any start time', () => {
    expect(timelineSpan({ startedAt: null, finishedAt: null }, [], 1)).toBeNull();
  });
});

describe('run errors merge', () => {
  const error = (id: number, offset: number) => ({
    id,
    runId: 1,
    offset,
    club: 'c',
    pipeline: 'p',
    step: null,
    identifier: null,
    system: null,
    message: 'm',
    stack: null,
    fingerprint: 'f',
    time: 0,
  });
  it('adds new errors in file order and drops repeats', () => {
    expect(mergeErrors([error(1, 10), error(3, 30)], [error(3, 30), error(2, 20)]).map((e) => e.id)).toEqual([1, 2, 3]);
  });
});
