// fold.ts is pure: parsed lines in, run state and rows out. No files, no SQLite.
import { describe, expect, it } from 'vitest';
import { parseLine } from '../shared/parse-line.js';
import { emptyRun, errorRowOf, foldLines, type FoldLine, type RunState } from '../ingest/fold.js';
import { errorFingerprint } from '../shared/error-fingerprint.js';
import type { StepRow } from '../shared/schema.js';

const T0 = 1_800_000_000_000;

function fresh(): RunState {
  return {
    run: emptyRun(7, { club: 'rondo', pipeline: 'people', runKey: 'r1' }, 'rondo/people/r1.ndjson'),
    steps: new Map(),
  };
}

/** Lines from objects, at offsets 0, 100, 200... and `time` defaulting to T0 + index seconds. */
function lines(...objects: Record<string, unknown>[]): FoldLine[] {
  return objects.map((fields, i) => {
    const parsed = parseLine(JSON.stringify({ time: T0 + i * 1000, ...fields }));
    if (!parsed.ok) throw new Error(`bad test line: ${parsed.rejection.detail}`);
    return { offset: i * 100, time: parsed.line.time ?? T0, line: parsed.line };
  });
}

function fold(...objects: Record<string, unknown>[]) {
  return foldLines(fresh(), lines(...objects));
}

describe('a normal run', () => {
  const result = fold(
    { event: 'run.start', trigger: 'cron', pid: 42, hostname: 'box', msg: 'run started' },
    { event: 'step.start', step: 'download' },
    { event: 'step.progress', step: 'download', done: 10, total: 100 },
    { msg: 'fetched page', page: 2 },
    { event: 'step.end', step: 'download', outcome: 'success', counts: { created: 2, updated: 43 }, durationMs: 3000 },
    { event: 'step.start', step: 'submit' },
    { event: 'error', step: 'submit', identifier: 'KNVB123', system: 'laposta', err: { message: 'HTTP 500 for 17' } },
    { event: 'step.end', step: 'submit', outcome: 'failure', counts: { failed: 1, skipped: 4 }, stats: { tries: 3 } },
    { event: 'run.end', outcome: 'failure', exitCode: 1, stats: { members: 1069 }, reason: 'submit failed' },
  );
  const { run, steps } = result.state;

  it('sets status, times and duration from run.start/run.end', () => {
    expect(run.status).toBe('failure');
    expect(run.trigger).toBe('cron');
    expect(run.startedAt).toBe(T0);
    expect(run.finishedAt).toBe(T0 + 8000);
    expect(run.durationMs).toBe(8000);
    expect(run.lastEventAt).toBe(T0 + 8000);
    expect(run.exitCode).toBe(1);
    expect(run.endReason).toBe('submit failed');
    expect(JSON.parse(run.summary!)).toEqual({ members: 1069 });
  });

  it('keeps the writer host and pid from the first line carrying them', () => {
    expect(run.host).toBe('box');
    expect(run.pid).toBe(42);
  });

  it('sums the steps counts into the run totals', () => {
    expect([run.created, run.updated, run.skipped, run.failed]).toEqual([2, 43, 4, 1]);
  });

  it('folds steps in order of appearance with status, progress, duration and stats', () => {
    const download = steps.get('download')!;
    const submit = steps.get('submit')!;
    expect(download).toMatchObject({ seq: 0, status: 'success', created: 2, updated: 43, durationMs: 3000 });
    expect(download).toMatchObject({ progressDone: 10, progressTotal: 100, startedAt: T0 + 1000 });
    expect(submit).toMatchObject({ seq: 1, status: 'failure', failed: 1, skipped: 4, startedAt: T0 + 5000 });
    expect(submit.durationMs).toBe(2000);
    expect(JSON.parse(submit.stats!)).toEqual({ tries: 3 });
  });

  it('makes one log row per line, events included, with the line fields', () => {
    expect(result.logs).toHaveLength(9);
    expect(run.logCount).toBe(9);
    expect(result.logs.map((l) => l.event)).toEqual([
      'run.start',
      'step.start',
      'step.progress',
      null,
      'step.end',
      'step.start',
      'error',
      'step.end',
      'run.end',
    ]);
    expect(result.logs[3]).toMatchObject({ runId: 7, offset: 300, time: T0 + 3000, level: 30, msg: 'fetched page' });
    expect(JSON.parse(result.logs[3]!.data!)).toEqual({ page: 2 });
    expect(result.logs[0]!.data).toBeNull();
  });

  it('makes an error row for the error event with its fingerprint', () => {
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      runId: 7,
      offset: 600,
      clubSlug: 'rondo',
      pipeline: 'people',
      step: 'submit',
      identifier: 'KNVB123',
      system: 'laposta',
      message: 'HTTP 500 for 17',
      fingerprint: errorFingerprint('HTTP 500 for 17', 'laposta'),
      time: T0 + 6000,
    });
    expect(run.errorCount).toBe(1);
  });

  it('reports exactly the steps it changed', () => {
    expect(result.touchedSteps.sort()).toEqual(['download', 'submit']);
  });
});

describe('errors', () => {
  it("counts a plain line at level >= 50 as an error: its own msg is the message, err's message kept beside it", () => {
    const r = fold(
      {
        level: 50,
        msg: 'could not sync',
        err: { type: 'Error', message: 'ECONNRESET', stack: 'Error: ECONNRESET\n at x' },
      },
      { level: 60, msg: 'fatal thing' },
      { level: 'error', msg: 'labelled level' },
      { level: 40, msg: 'just a warning' },
    );
    expect(r.errors.map((e) => e.message)).toEqual(['could not sync', 'fatal thing', 'labelled level']);
    expect(r.errors[0]!.stack).toContain('Error: ECONNRESET\n at x');
    expect(r.errors[0]!.system).toBeNull();
    expect(r.state.run.errorCount).toBe(3);
  });

  it("an err without a stack still shows its message beside the line's msg; an err alone is the message", () => {
    const r = fold(
      { level: 50, msg: 'failed to push member', err: { type: 'TypeError', message: 'x is undefined' } },
      { level: 50, err: { message: 'only the err' } },
    );
    expect(r.errors.map((e) => [e.message, e.stack])).toEqual([
      ['failed to push member', 'TypeError: x is undefined'],
      ['only the err', null],
    ]);
  });

  it("names a plain error line's record and system in the pipeline's own words", () => {
    const r = fold(
      { level: 50, msg: 'push failed', knvb_id: 'KNVB123', system: 'laposta' },
      { level: 50, msg: 'by id', memberId: 42 },
      { level: 50, msg: 'explicit wins', identifier: 'A1', knvb_id: 'KNVB9' },
      { level: 50, msg: 'no record', system: { not: 'text' } },
    );
    expect(r.errors.map((e) => [e.identifier, e.system])).toEqual([
      ['KNVB123', 'laposta'],
      ['42', null],
      ['A1', null],
      [null, null],
    ]);
    expect(r.errors[0]!.fingerprint).toBe(errorFingerprint('push failed', 'laposta'));
    const custom = foldLines(fresh(), lines({ level: 50, msg: 'x', email: 'a@b.c', knvb_id: 'K1' }), {
      identifierFields: ['email'],
    });
    expect(custom.errors[0]!.identifier).toBe('a@b.c');
  });

  it('an error event at error level is one error, not two', () => {
    const r = fold({ event: 'error', level: 50, msg: 'once' });
    expect(r.errors).toHaveLength(1);
  });

  it('an error event without err or msg still has a message', () => {
    const r = fold({ event: 'error' });
    expect(r.errors[0]!.message).toBe('error');
  });

  it('errorRowOf returns null for an ordinary line', () => {
    const [item] = lines({ msg: 'hello' });
    expect(errorRowOf(fresh().run, item!)).toBeNull();
  });
});

describe('surprising order', () => {
  it('a step.end without step.start creates the finished step, start derived from its duration', () => {
    const r = fold({ event: 'step.end', step: 'late', outcome: 'skipped', durationMs: 250, counts: { skipped: 3 } });
    const step = r.state.steps.get('late')!;
    expect(step).toMatchObject({ status: 'skipped', startedAt: T0 - 250, finishedAt: T0, durationMs: 250, skipped: 3 });
    expect(r.state.run.skipped).toBe(3);
    expect(r.state.run.status).toBe('running');
  });

  it('a step.end without start or duration has no duration', () => {
    const step = fold({ event: 'step.end', step: 's', outcome: 'success' }).state.steps.get('s')!;
    expect(step.startedAt).toBeNull();
    expect(step.durationMs).toBeNull();
  });

  it('a step.progress before step.start makes a running step', () => {
    const r = fold({ event: 'step.progress', step: 'p', done: 1, total: 2 }, { event: 'step.start', step: 'p' });
    expect(r.state.steps.get('p')).toMatchObject({
      status: 'running',
      progressDone: 1,
      progressTotal: 2,
      startedAt: T0,
    });
  });

  it('a file without run.start is still a run, started at its first line', () => {
    const r = fold({ msg: 'first' }, { msg: 'second' });
    expect(r.state.run).toMatchObject({ status: 'running', trigger: null, startedAt: T0, lastEventAt: T0 + 1000 });
  });

  it('lines after run.end are logged and counted but do not reopen the run', () => {
    const r = fold({ event: 'run.end', outcome: 'success' }, { msg: 'straggler' }, { level: 50, msg: 'late error' });
    expect(r.state.run).toMatchObject({ status: 'success', finishedAt: T0, logCount: 3, errorCount: 1 });
    expect(r.state.run.lastEventAt).toBe(T0 + 2000);
  });

  it('a second run.end wins', () => {
    const r = fold({ event: 'run.end', outcome: 'success' }, { event: 'run.end', outcome: 'failure', exitCode: 2 });
    expect(r.state.run).toMatchObject({ status: 'failure', exitCode: 2, finishedAt: T0 + 1000 });
  });

  it('a step started again after it ended runs again and keeps accumulating counts', () => {
    const r = fold(
      { event: 'step.start', step: 'retry' },
      { event: 'step.end', step: 'retry', outcome: 'failure', counts: { failed: 1 } },
      { event: 'step.start', step: 'retry' },
    );
    const step = r.state.steps.get('retry')!;
    expect(step).toMatchObject({ status: 'running', startedAt: T0 + 2000, finishedAt: null, failed: 1 });
    const ended = foldLines(
      r.state,
      lines({}, {}, {}, { event: 'step.end', step: 'retry', outcome: 'success', counts: { failed: 2 } }).slice(3),
    );
    expect(ended.state.steps.get('retry')).toMatchObject({ status: 'success', failed: 3 });
    expect(ended.state.run.failed).toBe(3);
  });

  it('timestamps going backwards keep the earliest start and the latest activity', () => {
    const r = foldLines(fresh(), [
      ...lines({ msg: 'a' }).map((l) => ({ ...l, time: T0 + 5000 })),
      ...lines({}, { msg: 'b' })
        .slice(1)
        .map((l) => ({ ...l, time: T0 })),
    ]);
    expect(r.state.run.startedAt).toBe(T0);
    expect(r.state.run.lastEventAt).toBe(T0 + 5000);
  });

  it('run.end closes steps still running with the run outcome', () => {
    const r = fold({ event: 'step.start', step: 'open' }, { event: 'run.end', outcome: 'failure' });
    expect(r.state.steps.get('open')).toMatchObject({ status: 'failure', finishedAt: T0 + 1000, durationMs: 1000 });
    expect(r.touchedSteps).toEqual(['open']);
  });

  it('an abandoned run that speaks again is running again; a later run.end finishes it', () => {
    const abandoned: RunState = {
      run: { ...fresh().run, status: 'abandoned', endReason: 'gone', finishedAt: T0 - 1, startedAt: T0 - 10 },
      steps: new Map(),
    };
    const revived = foldLines(abandoned, lines({ msg: 'still here' }));
    expect(revived.state.run).toMatchObject({ status: 'running', endReason: null, finishedAt: null, durationMs: null });
    const finished = foldLines(abandoned, lines({ event: 'run.end', outcome: 'success' }));
    expect(finished.state.run).toMatchObject({ status: 'success', endReason: null, finishedAt: T0 });
  });
});

describe('purity', () => {
  it('does not mutate the state it is given', () => {
    const step: StepRow = {
      runId: 7,
      name: 's',
      clubSlug: 'rondo',
      seq: 0,
      status: 'running',
      startedAt: T0,
      finishedAt: null,
      durationMs: null,
      created: 1,
      updated: 0,
      skipped: 0,
      failed: 0,
      progressDone: null,
      progressTotal: null,
      progressCounts: null,
      stats: null,
    };
    const state: RunState = { run: { ...fresh().run, logCount: 5 }, steps: new Map([['s', step]]) };
    const before = JSON.stringify({ run: state.run, steps: [...state.steps] });
    const r = foldLines(state, lines({ event: 'step.end', step: 's', outcome: 'success', counts: { created: 2 } }));
    expect(JSON.stringify({ run: state.run, steps: [...state.steps] })).toBe(before);
    expect(r.state.steps.get('s')!.created).toBe(3);
    expect(r.state.run.logCount).toBe(6);
  });

  it('folding in two batches equals folding at once', () => {
    const all = lines(
      { event: 'run.start' },
      { event: 'step.start', step: 'a' },
      { level: 50, msg: 'x' },
      { event: 'step.end', step: 'a', outcome: 'success', counts: { created: 5 } },
      { event: 'step.start', step: 'b' },
      { event: 'step.end', step: 'b', outcome: 'success', counts: { updated: 2 } },
      { event: 'run.end', outcome: 'success' },
    );
    const once = foldLines(fresh(), all);
    for (let cut = 0; cut <= all.length; cut++) {
      const first = foldLines(fresh(), all.slice(0, cut));
      const second = foldLines(first.state, all.slice(cut));
      expect(second.state.run).toEqual(once.state.run);
      expect([...second.state.steps.values()]).toEqual([...once.state.steps.values()]);
      expect([...first.errors, ...second.errors]).toEqual(once.errors);
      expect([...first.logs, ...second.logs]).toEqual(once.logs);
    }
  });

  it('no lines: same run, nothing to write', () => {
    const r = foldLines(fresh(), []);
    expect(r.state.run).toEqual(fresh().run);
    expect(r.logs).toEqual([]);
    expect(r.touchedSteps).toEqual([]);
  });
});

describe('live counts on step.progress', () => {
  const counts = (step: StepRow) => ({
    created: step.created,
    updated: step.updated,
    skipped: step.skipped,
    failed: step.failed,
  });

  it('a progress count sets the running step counts and the run totals; the next one replaces it', () => {
    const first = fold(
      { event: 'step.start', step: 'submit' },
      { event: 'step.progress', step: 'submit', done: 10, total: 100, counts: { updated: 8, failed: 2 } },
    );
    expect(counts(first.state.steps.get('submit')!)).toEqual({ created: 0, updated: 8, skipped: 0, failed: 2 });
    expect(first.state.run).toMatchObject({ updated: 8, failed: 2, status: 'running' });
    expect(first.touchedSteps).toEqual(['submit']);
    const later = foldLines(
      first.state,
      lines({}, {}, { event: 'step.progress', step: 'submit', counts: { updated: 30, failed: 2 } }).slice(2),
    );
    const step = later.state.steps.get('submit')!;
    expect(counts(step)).toEqual({ created: 0, updated: 30, skipped: 0, failed: 2 });
    // A counts-only line leaves the bar where it was.
    expect(step).toMatchObject({ progressDone: 10, progressTotal: 100 });
    expect(later.state.run).toMatchObject({ updated: 30, failed: 2 });
  });

  it('step.end counts are the final word: they replace the progress figures, never add to them', () => {
    const r = fold(
      { event: 'step.start', step: 'submit' },
      { event: 'step.progress', step: 'submit', counts: { updated: 40, failed: 1 } },
      { event: 'step.end', step: 'submit', outcome: 'success', counts: { updated: 43, failed: 1 } },
    );
    const step = r.state.steps.get('submit')!;
    expect(counts(step)).toEqual({ created: 0, updated: 43, skipped: 0, failed: 1 });
    expect(step.progressCounts).toBeNull();
    expect(r.state.run).toMatchObject({ updated: 43, failed: 1 });
    // Lower than progress said: step.end still wins.
    const lower = fold(
      { event: 'step.start', step: 's' },
      { event: 'step.progress', step: 's', counts: { created: 9 } },
      { event: 'step.end', step: 's', outcome: 'success', counts: { created: 7 } },
    );
    expect(lower.state.steps.get('s')!.created).toBe(7);
    expect(lower.state.run.created).toBe(7);
  });

  it('a count step.end leaves out keeps its progress figure (absent is not reported, not zero)', () => {
    const r = fold(
      { event: 'step.start', step: 's' },
      { event: 'step.progress', step: 's', counts: { created: 5, skipped: 2 } },
      { event: 'step.end', step: 's', outcome: 'success', counts: { created: 6 } },
    );
    expect(counts(r.state.steps.get('s')!)).toEqual({ created: 6, updated: 0, skipped: 2, failed: 0 });
    const bare = fold(
      { event: 'step.start', step: 's' },
      { event: 'step.progress', step: 's', counts: { failed: 3 } },
      { event: 'step.end', step: 's', outcome: 'failure' },
    );
    expect(bare.state.steps.get('s')!.failed).toBe(3);
  });

  it('a step name run twice: each execution reports from zero, the totals add up once per execution', () => {
    const r = fold(
      { event: 'step.start', step: 'retry' },
      { event: 'step.progress', step: 'retry', counts: { updated: 4 } },
      { event: 'step.end', step: 'retry', outcome: 'failure', counts: { updated: 5, failed: 1 } },
      { event: 'step.start', step: 'retry' },
      { event: 'step.progress', step: 'retry', counts: { updated: 2 } },
    );
    expect(counts(r.state.steps.get('retry')!)).toEqual({ created: 0, updated: 7, skipped: 0, failed: 1 });
    expect(r.state.run).toMatchObject({ updated: 7, failed: 1 });
    const ended = foldLines(
      r.state,
      lines({}, {}, {}, {}, {}, { event: 'step.end', step: 'retry', outcome: 'success', counts: { updated: 3 } }).slice(
        5,
      ),
    );
    expect(counts(ended.state.steps.get('retry')!)).toEqual({ created: 0, updated: 8, skipped: 0, failed: 1 });
    expect(ended.state.run).toMatchObject({ updated: 8, failed: 1 });
  });

  it('a step.end without progress adds its counts as before; a progress count after step.end is ignored', () => {
    const r = fold(
      { event: 'step.start', step: 'a' },
      { event: 'step.end', step: 'a', outcome: 'success', counts: { created: 5 } },
      { event: 'step.progress', step: 'a', done: 5, counts: { created: 99 } },
    );
    expect(r.state.steps.get('a')!.created).toBe(5);
    expect(r.state.run.created).toBe(5);
  });

  it('two running steps count apart; the run total is their sum', () => {
    const r = fold(
      { event: 'step.start', step: 'a' },
      { event: 'step.start', step: 'b' },
      { event: 'step.progress', step: 'a', counts: { created: 3 } },
      { event: 'step.progress', step: 'b', counts: { created: 4 } },
      { event: 'step.progress', step: 'a', counts: { created: 5 } },
    );
    expect(r.state.run.created).toBe(9);
  });

  it('a run abandoned mid-step keeps its live counts; revived, the next report still replaces, not adds', () => {
    const running = fold(
      { event: 'run.start' },
      { event: 'step.start', step: 's' },
      { event: 'step.progress', step: 's', counts: { updated: 10 } },
    );
    const closedStep: StepRow = { ...running.state.steps.get('s')!, status: 'failure', finishedAt: T0 + 5000 };
    const abandoned: RunState = {
      run: { ...running.state.run, status: 'abandoned', finishedAt: T0 + 5000 },
      steps: new Map([['s', closedStep]]),
    };
    expect(abandoned.run.updated).toBe(10);
    const revived = foldLines(
      abandoned,
      lines({}, {}, {}, { event: 'step.progress', step: 's', counts: { updated: 12 } }).slice(3),
    );
    expect(revived.state.steps.get('s')).toMatchObject({ status: 'running', updated: 12 });
    expect(revived.state.run.updated).toBe(12);
  });

  it('folding in two batches equals folding at once, with progress counts between', () => {
    const all = lines(
      { event: 'step.start', step: 'a' },
      { event: 'step.progress', step: 'a', done: 1, counts: { created: 1 } },
      { event: 'step.progress', step: 'a', done: 2, counts: { created: 2, failed: 1 } },
      { event: 'step.end', step: 'a', outcome: 'success', counts: { created: 3, failed: 1 } },
      { event: 'step.start', step: 'a' },
      { event: 'step.progress', step: 'a', counts: { created: 1 } },
      { event: 'step.end', step: 'a', outcome: 'success', counts: { created: 2 } },
    );
    const once = foldLines(fresh(), all);
    expect(counts(once.state.steps.get('a')!)).toEqual({ created: 5, updated: 0, skipped: 0, failed: 1 });
    for (let cut = 0; cut <= all.length; cut++) {
      const first = foldLines(fresh(), all.slice(0, cut));
      const second = foldLines(first.state, all.slice(cut));
      expect(second.state.run).toEqual(once.state.run);
      expect([...second.state.steps.values()]).toEqual([...once.state.steps.values()]);
    }
  });
});
