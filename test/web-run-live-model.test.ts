// The run page's live state without a DOM: what a batch does, and a REST snapshot that answered after live updates
// it predates. The second is the bug the live-counts e2e caught under load: a reload landing after a step.count
// update put the older counts back on the header and the step timeline until the next change.
import { describe, expect, it } from 'vitest';
import type { ErrorView, LiveDataMessage, RunDetail, RunView, StepView } from '../shared/api.js';
import { applyRunMessages, snapshotWithHeld, type RunLiveState } from '../web/run-live-model.js';

const RUN_ID = 7;
const counts = (created: number) => ({ created, updated: 0, skipped: 0, failed: 0 });

function runView(created: number, lastEventAt: number): RunView {
  return {
    id: RUN_ID,
    runKey: 'r7',
    club: 'c',
    pipeline: 'p',
    trigger: null,
    status: 'running',
    startedAt: 1_000,
    finishedAt: null,
    durationMs: null,
    counts: counts(created),
    errorCount: 0,
    logCount: 3,
    host: null,
    pid: null,
    exitCode: null,
    endReason: null,
    summary: null,
    lastEventAt,
  };
}

function step(created: number): StepView {
  return {
    name: 'submit',
    seq: 0,
    status: 'running',
    startedAt: 1_000,
    finishedAt: null,
    durationMs: null,
    counts: counts(created),
    progress: null,
    stats: null,
  };
}

function state(created: number, lastEventAt: number, errorsComplete = true): RunLiveState {
  const run: RunDetail = { ...runView(created, lastEventAt), steps: [step(created)] };
  return { run, errors: [], errorsComplete, removed: false };
}

function error(id: number, runId = RUN_ID): ErrorView {
  return {
    id,
    runId,
    offset: id * 10,
    club: 'c',
    pipeline: 'p',
    step: 'submit',
    identifier: null,
    system: null,
    message: `e${id}`,
    stack: null,
    fingerprint: 'f',
    time: 2_000,
  };
}

const countsBatch = (created: number, lastEventAt: number): LiveDataMessage[] => [
  { type: 'runs', cursor: lastEventAt, runs: [runView(created, lastEventAt)] },
  { type: 'steps', cursor: lastEventAt, runId: RUN_ID, steps: [step(created)] },
];

describe('the run page live state', () => {
  it('takes newer run states and step counts, ignores an older run state and other runs', () => {
    const moved = applyRunMessages(state(3, 2_000), countsBatch(5, 3_000), RUN_ID);
    expect(moved.run?.counts.created).toBe(5);
    expect(moved.run?.steps[0]?.counts.created).toBe(5);
    const older: LiveDataMessage[] = [{ type: 'runs', cursor: 1, runs: [runView(1, 1_500)] }];
    expect(applyRunMessages(moved, older, RUN_ID).run?.counts.created).toBe(5);
    expect(applyRunMessages(moved, countsBatch(9, 4_000), RUN_ID + 1)).toEqual(moved);
  });

  it('appends live errors only when every earlier one is loaded, once each; a removal is said', () => {
    const batch: LiveDataMessage[] = [{ type: 'errors', cursor: 5, errors: [error(1), error(2, RUN_ID + 1)] }];
    const complete = applyRunMessages(state(0, 1), batch, RUN_ID);
    expect(complete.errors.map((e) => e.id)).toEqual([1]);
    expect(applyRunMessages(complete, batch, RUN_ID).errors.map((e) => e.id)).toEqual([1]);
    expect(applyRunMessages(state(0, 1, false), batch, RUN_ID).errors).toEqual([]);
    const removed: LiveDataMessage[] = [{ type: 'removed', cursor: 6, runIds: [RUN_ID] }];
    expect(applyRunMessages(state(0, 1), removed, RUN_ID).removed).toBe(true);
  });

  it('puts the batches held during a reload back on top of its older snapshot', () => {
    // The reload's answer was computed before created 5 was committed; the live update came while it was in flight.
    const snapshot = state(3, 2_000);
    const next = snapshotWithHeld(snapshot, [countsBatch(5, 3_000)], RUN_ID);
    expect(next.run?.counts.created).toBe(5);
    expect(next.run?.steps[0]?.counts.created).toBe(5);
    // Held batches are applied oldest first: the newest word wins.
    const two = snapshotWithHeld(snapshot, [countsBatch(4, 2_500), countsBatch(6, 3_500)], RUN_ID);
    expect(two.run?.counts.created).toBe(6);
    expect(two.run?.steps[0]?.counts.created).toBe(6);
    // Nothing held: the snapshot as it is.
    expect(snapshotWithHeld(snapshot, [], RUN_ID)).toEqual(snapshot);
  });
});
