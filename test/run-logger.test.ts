// startRun in-process: the file a run writes for a normal run, a throwing step, skips, errors, throttled progress,
// levels, and that process hooks come off when runs end.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRun } from '../shared/run-logger.js';
import { installedHookCount } from '../shared/run-logger-hooks.js';
import { runFilePath } from '../shared/run-path.js';
import { newRunId } from '../shared/run-id.js';
import { eventsOf, readRunFile, waitFor } from './fixtures/logger-run-file.js';

const runsDir = mkdtempSync(join(tmpdir(), 'runboard-logger-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));
const noExec = {}; // an empty environment: never join a `runboard exec` the test runner might be under

describe('startRun', () => {
  it('writes a normal run: start, plain lines, a step with progress and counts, an error, and end', async () => {
    const run = startRun({ pipeline: 'people', club: 'rondo', trigger: 'cron', runsDir, env: noExec });
    expect(run.file).toBe(runFilePath(runsDir, { club: 'rondo', pipeline: 'people', run: run.runId }));
    expect(run.joinedExec).toBe(false);
    run.log.info({ batch: 1 }, 'downloading members');
    const result = await run.step('download', async (step) => {
      step.progress(0, 1069);
      step.log.debug('not at info level');
      step.log.info('page 1');
      step.count({ created: 2, updated: 40 });
      step.count({ updated: 3, skipped: 1 });
      step.stats({ pages: 3 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      step.progress(1069, 1069);
      return 'members';
    });
    expect(result).toBe('members');
    run.error({ step: 'submit', identifier: 'KNVB123', system: 'laposta', err: new Error('address rejected') });
    await run.end({ outcome: 'success', stats: { members: 1069 } });

    const lines = readRunFile(run.file!);
    expect(eventsOf(lines)).toEqual([
      'run.start',
      null,
      'step.start',
      'step.progress',
      null,
      'step.progress',
      'step.end',
      'error',
      'run.end',
    ]);
    for (const line of lines) {
      expect(line).toMatchObject({ run: run.runId, pipeline: 'people', club: 'rondo', pid: process.pid });
      expect(line.time).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(lines[0]!.payload).toEqual({ event: 'run.start', trigger: 'cron' });
    expect(lines[1]).toMatchObject({ msg: 'downloading members', data: { batch: 1 }, step: null });
    expect(lines[4]).toMatchObject({ msg: 'page 1', step: 'download' });
    // The counts so far ride on the progress line (live counts); step.end repeats them as the final word.
    expect(lines[5]!.payload).toEqual({
      event: 'step.progress',
      step: 'download',
      done: 1069,
      total: 1069,
      counts: { created: 2, updated: 43, skipped: 1 },
    });
    const stepEnd = lines[6]!.payload;
    expect(stepEnd).toMatchObject({
      event: 'step.end',
      step: 'download',
      outcome: 'success',
      counts: { created: 2, updated: 43, skipped: 1 },
      stats: { pages: 3 },
    });
    expect(stepEnd.event === 'step.end' && stepEnd.durationMs).toBeGreaterThanOrEqual(4);
    expect(lines[7]).toMatchObject({
      level: 50,
      payload: {
        event: 'error',
        step: 'submit',
        identifier: 'KNVB123',
        system: 'laposta',
        message: 'address rejected',
      },
    });
    expect(lines[7]!.err?.stack).toContain('address rejected');
    expect(lines[8]!.payload).toEqual({
      event: 'run.end',
      outcome: 'success',
      stats: { members: 1069 },
      exitCode: null,
      reason: null,
    });
  });

  it('ends a throwing step as failure, records the error once, rethrows, and the run goes on', async () => {
    const run = startRun({ pipeline: 'teams', club: 'rondo', runsDir, env: noExec });
    const boom = new Error('download failed: 503');
    await expect(
      run.step('download', (step) => {
        step.count({ created: 1 });
        throw boom;
      }),
    ).rejects.toBe(boom);
    await run.step('report', () => {});
    await run.end({ outcome: 'failure', exitCode: 1, reason: 'download failed' });
    const lines = readRunFile(run.file!);
    expect(eventsOf(lines)).toEqual([
      'run.start',
      'step.start',
      'step.progress', // the first count goes out at once
      'error',
      'step.end',
      'step.start',
      'step.end',
      'run.end',
    ]);
    expect(lines[0]!.payload).toEqual({ event: 'run.start', trigger: null });
    expect(lines[2]!.payload).toMatchObject({ event: 'step.progress', counts: { created: 1 }, done: null });
    lines.splice(2, 1);
    expect(lines[2]!.payload).toMatchObject({ event: 'error', step: 'download', message: 'download failed: 503' });
    expect(lines[3]).toMatchObject({
      level: 50,
      payload: { event: 'step.end', step: 'download', outcome: 'failure', counts: { created: 1 } },
      data: { reason: 'download failed: 503' },
    });
    expect(lines[5]!.payload).toMatchObject({ step: 'report', outcome: 'success' });
    expect(lines[6]).toMatchObject({
      level: 50,
      payload: { event: 'run.end', outcome: 'failure', exitCode: 1, reason: 'download failed' },
    });
  });

  it('skips a step on request, suffixes a repeated step name, and ignores invalid counts', async () => {
    const run = startRun({ pipeline: 'invoices', runsDir, env: noExec });
    expect(run.club).toBe('default');
    await run.step('submit', (step) => {
      step.count({ created: -1, updated: Number.NaN, skipped: 2.7, failed: 1 });
      step.skip('nothing to send');
    });
    await run.step('submit', () => {});
    await run.end();
    const lines = readRunFile(run.file!);
    const ends = lines.filter((line) => line.payload.event === 'step.end');
    expect(ends.map((line) => line.payload)).toMatchObject([
      { step: 'submit', outcome: 'skipped', counts: { skipped: 2, failed: 1 } },
      { step: 'submit#2', outcome: 'success', counts: {} },
    ]);
    expect(ends[0]!.msg).toBe('step submit skipped: nothing to send');
    expect(lines.at(-1)!.payload).toMatchObject({ event: 'run.end', outcome: 'success' });
  });

  it('records errors given as strings and plain objects with a readable message', async () => {
    const run = startRun({ pipeline: 'people', runsDir, env: noExec });
    run.error({ identifier: 7, err: 'timeout talking to sportlink' });
    run.error({ system: 'laposta', err: { code: 'E_QUOTA', message: 'quota exceeded' } });
    run.error({ err: { code: 42 } });
    run.error({ msg: 'member has no email', identifier: 'KNVB9' });
    await run.end();
    const errors = readRunFile(run.file!).filter((line) => line.payload.event === 'error');
    expect(errors.map((line) => line.payload)).toMatchObject([
      { identifier: '7', message: 'timeout talking to sportlink' },
      { system: 'laposta', message: 'quota exceeded' },
      { message: '{"code":42}' },
      { identifier: 'KNVB9', message: 'member has no email' },
    ]);
  });

  it('throttles progress but always writes the first, the complete and the latest value', async () => {
    const run = startRun({ pipeline: 'people', runsDir, env: noExec, progressIntervalMs: 60_000 });
    await run.step('tight-loop', (step) => {
      for (let i = 0; i <= 10_000; i++) step.progress(i, 10_000);
    });
    await run.step('stops-early', (step) => {
      step.progress(1, 100);
      step.progress(2, 100);
      step.progress(3, 100); // the step ends before the interval: its latest value lands before step.end
    });
    const fast = startRun({ pipeline: 'people', runsDir, env: noExec, progressIntervalMs: 30 });
    const file = fast.file!;
    const stalled = fast.step('stalls', async (step) => {
      step.progress(1, 10);
      step.progress(2, 10); // throttled; the trailing timer must write it while the step is still running
      await waitFor(
        () =>
          readRunFile(file).some((line) => line.payload.event === 'step.progress' && line.payload.done === 2)
            ? true
            : undefined,
        'the trailing progress line',
      );
    });
    await stalled;
    await fast.end();
    await run.end();

    const progress = (name: string, lines = readRunFile(run.file!)): Array<number | null> =>
      lines.flatMap((line) =>
        line.payload.event === 'step.progress' && line.payload.step === name ? [line.payload.done] : [],
      );
    expect(progress('tight-loop')).toEqual([0, 10_000]);
    expect(progress('stops-early')).toEqual([1, 3]);
    expect(progress('stalls', readRunFile(file))).toEqual([1, 2]);
  });

  it('throttles live counts: the first at once, then one line per interval, the latest before step.end', async () => {
    let now = 1_800_000_000_000;
    const run = startRun({ pipeline: 'people', runsDir, env: noExec, progressIntervalMs: 250, clock: () => now });
    // One count per record, one simulated ms apart: a synchronous loop, so only the clock can let lines out.
    await run.step('per-record', (step) => {
      for (let i = 0; i < 1000; i++) {
        step.count({ updated: 1 });
        step.count({ created: 0, failed: -1, skipped: Number.NaN }); // nothing counted: no line, no effect
        now += 1;
      }
    });
    // A step that reports nothing between its counts and its end writes no extra line.
    await run.step('no-counts', (step) => step.progress(1, 1));
    await run.end();
    const lines = readRunFile(run.file!);
    const progressOf = (name: string) =>
      lines.flatMap((line) =>
        line.payload.event === 'step.progress' && line.payload.step === name
          ? [{ t: line.time! - 1_800_000_000_000, counts: line.payload.counts }]
          : [],
      );
    expect(progressOf('per-record')).toEqual([
      { t: 0, counts: { updated: 1 } },
      { t: 250, counts: { updated: 251 } },
      { t: 500, counts: { updated: 501 } },
      { t: 750, counts: { updated: 751 } },
      { t: 1000, counts: { updated: 1000 } }, // the flush at the step's end
    ]);
    const end = lines.find((line) => line.payload.event === 'step.end' && line.payload.step === 'per-record');
    expect(end?.payload).toMatchObject({ counts: { updated: 1000 } });
    expect(progressOf('no-counts')).toEqual([{ t: 1000, counts: null }]);

    // A real clock: a count held back by the interval is written by the trailing timer while the step still runs.
    const fast = startRun({ pipeline: 'people', runsDir, env: noExec, progressIntervalMs: 30 });
    const file = fast.file!;
    await fast.step('stalls', async (step) => {
      step.count({ created: 1 });
      step.count({ created: 1 });
      await waitFor(
        () =>
          readRunFile(file).some((line) => line.payload.event === 'step.progress' && line.payload.counts?.created === 2)
            ? true
            : undefined,
        'the trailing counts line',
      );
    });
    await fast.end();
    const fastProgress = readRunFile(file).flatMap((line) =>
      line.payload.event === 'step.progress' ? [line.payload.counts] : [],
    );
    expect(fastProgress).toEqual([{ created: 1 }, { created: 2 }]);
  });

  it('writes contract events whatever the level, and honours the level for plain lines', async () => {
    const run = startRun({ pipeline: 'people', runsDir, env: noExec, level: 'warn' });
    run.log.info('hidden');
    run.log.warn('shown');
    await run.step('s', (step) => step.log.info('hidden too'));
    await run.end();
    const lines = readRunFile(run.file!);
    expect(eventsOf(lines)).toEqual(['run.start', null, 'step.start', 'step.end', 'run.end']);
    expect(lines[1]!.msg).toBe('shown');
  });

  it('ends once, keeps lines logged after the end, and installs process hooks once for all open runs', async () => {
    const hooksBefore = installedHookCount();
    const first = startRun({ pipeline: 'a', runsDir, env: noExec });
    const hooksForOne = installedHookCount();
    expect(hooksForOne).toBeGreaterThan(hooksBefore);
    const second = startRun({ pipeline: 'b', runsDir, env: noExec });
    expect(installedHookCount()).toBe(hooksForOne);
    await first.end({ outcome: 'failure' });
    await first.end({ outcome: 'success' });
    expect(first.ended).toBe(true);
    expect(installedHookCount()).toBe(hooksForOne);
    await second.end();
    expect(installedHookCount()).toBe(hooksBefore);
    first.log.info('late line after the file was closed');
    const lines = readRunFile(first.file!);
    expect(eventsOf(lines)).toEqual(['run.start', 'run.end', null]);
    expect(lines[1]!.payload).toMatchObject({ outcome: 'failure' });
    expect(lines[2]!.msg).toBe('late line after the file was closed');
  });

  it('leaves hooks alone when asked to', async () => {
    const hooksBefore = installedHookCount();
    const run = startRun({ pipeline: 'a', runsDir, env: noExec, handleProcessEnd: false });
    expect(installedHookCount()).toBe(hooksBefore);
    await run.end();
  });

  it('creates the directories, and run ids sort by start time', async () => {
    const nested = join(runsDir, 'deeper', 'still');
    const run = startRun({ pipeline: 'p', club: 'c', runsDir: nested, env: noExec });
    await run.end();
    expect(readFileSync(run.file!, 'utf8')).toContain('"event":"run.start"');
    const ids = [new Date(2026, 0, 1), new Date(2026, 0, 2), new Date(2027, 5, 1)].map((date) => newRunId(date));
    expect([...ids].reverse().sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 1000 }, () => newRunId(new Date(0)))).size).toBe(1000);
  });
});
