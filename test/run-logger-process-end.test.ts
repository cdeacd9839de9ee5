// A pipeline process that dies — uncaught exception, unhandled rejection, SIGTERM/SIGINT, process.exit — leaves a
// file ending in run.end with the reason, and ends exactly as it would have without runboard (exit code, signal,
// the error printed on stderr). Each case runs the same fixture with and without the logger and compares.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runFilePath } from '../shared/run-path.js';
import { eventsOf, killLeftovers, readRunFile, spawnTs, type Finished } from './fixtures/logger-run-file.js';

const runsDir = mkdtempSync(join(tmpdir(), 'runboard-logger-end-'));
afterEach(killLeftovers);
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

const FIXTURE = 'test/fixtures/logger-child.ts';
let runCount = 0;

interface Outcome {
  withLogger: Finished;
  bare: Finished;
  file: string;
}

/** Runs the fixture with and without runboard, concurrently; `signal` is sent once it prints READY. */
async function runBoth(mode: string, signal?: NodeJS.Signals): Promise<Outcome> {
  const runId = `run-${++runCount}`;
  const start = (env: NodeJS.ProcessEnv): Promise<Finished> => {
    const spawned = spawnTs(FIXTURE, [mode, runsDir, runId], { RUNBOARD_EXEC_RUN: '', ...env });
    if (signal) {
      void spawned.printed('READY').then(
        () => spawned.child.kill(signal),
        () => {},
      );
    }
    return spawned.finished;
  };
  const [withLogger, bare] = await Promise.all([start({}), start({ RUNBOARD_FIXTURE_BARE: '1' })]);
  return { withLogger, bare, file: runFilePath(runsDir, { club: 'tests', pipeline: 'fixture', run: runId }) };
}

/** The part of stderr that says what went wrong (stack frames differ with the logger's own frames). */
function errorLine(stderr: string): string | undefined {
  return stderr.split('\n').find((line) => /^\w*Error: /.test(line));
}

function expectSameEnding({ withLogger, bare }: Outcome): void {
  expect({ code: withLogger.code, signal: withLogger.signal }).toEqual({ code: bare.code, signal: bare.signal });
  expect(errorLine(withLogger.stderr)).toEqual(errorLine(bare.stderr));
}

describe('a run whose process ends abnormally', () => {
  it('uncaught exception: run.end failure with the reason; exit code 1 and the error still printed', async () => {
    const outcome = await runBoth('uncaught');
    expectSameEnding(outcome);
    expect(outcome.withLogger.code).toBe(1);
    expect(errorLine(outcome.withLogger.stderr)).toBe('Error: boom from timer');
    const lines = readRunFile(outcome.file);
    expect(eventsOf(lines)).toEqual(['run.start', null, 'error', 'run.end']);
    expect(lines[2]!.payload).toMatchObject({ event: 'error', message: 'boom from timer' });
    expect(lines[2]!.err?.stack).toContain('logger-child.ts');
    expect(lines.at(-1)!.payload).toEqual({
      event: 'run.end',
      outcome: 'failure',
      stats: null,
      exitCode: 1,
      reason: 'uncaught exception: boom from timer',
    });
  });

  it('unhandled rejection: run.end failure with the reason; exit code and printed error unchanged', async () => {
    const outcome = await runBoth('rejection');
    expectSameEnding(outcome);
    expect(outcome.withLogger.code).toBe(1);
    const lines = readRunFile(outcome.file);
    expect(lines.at(-1)!.payload).toMatchObject({
      event: 'run.end',
      outcome: 'failure',
      reason: 'unhandled rejection: rejected on purpose',
    });
  });

  it('a step error that escapes: the step fails, the error is recorded once, the run ends failed', async () => {
    const outcome = await runBoth('step-throws-uncaught');
    expectSameEnding(outcome);
    const lines = readRunFile(outcome.file);
    expect(eventsOf(lines)).toEqual(['run.start', 'step.start', 'error', 'step.end', 'run.end']);
    expect(lines[3]!.payload).toMatchObject({ step: 'submit', outcome: 'failure' });
    expect(lines[4]!.payload).toMatchObject({ outcome: 'failure', reason: 'unhandled rejection: submit exploded' });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s: run.end failure, then the process dies of the signal',
    async (signal) => {
      const outcome = await runBoth('signal', signal);
      expectSameEnding(outcome);
      expect(outcome.withLogger).toMatchObject({ code: null, signal });
      const lines = readRunFile(outcome.file);
      expect(eventsOf(lines)).toEqual(['run.start', null, 'run.end']);
      expect(lines[2]!.payload).toMatchObject({
        event: 'run.end',
        outcome: 'failure',
        reason: `received ${signal}`,
        exitCode: signal === 'SIGTERM' ? 143 : 130,
      });
    },
  );

  it('SIGTERM during a step: the open step ends failed before the run', async () => {
    const outcome = await runBoth('in-step-signal', 'SIGTERM');
    expectSameEnding(outcome);
    const lines = readRunFile(outcome.file);
    expect(eventsOf(lines)).toEqual(['run.start', 'step.start', 'step.progress', 'step.end', 'run.end']);
    expect(lines[3]!.payload).toMatchObject({ step: 'download', outcome: 'failure' });
    expect(lines[4]!.payload).toMatchObject({ outcome: 'failure', reason: 'received SIGTERM' });
  });

  it("a program's own SIGTERM handler keeps control: the signal is noted, the exit ends the run", async () => {
    const outcome = await runBoth('own-sigterm-handler', 'SIGTERM');
    expectSameEnding(outcome);
    expect(outcome.withLogger.code).toBe(7);
    const lines = readRunFile(outcome.file);
    expect(lines.map((line) => line.msg)).toContain('received SIGTERM');
    expect(lines.map((line) => line.msg)).toContain('graceful shutdown');
    expect(lines.at(-1)!.payload).toMatchObject({
      outcome: 'failure',
      exitCode: 7,
      reason: 'process exited with code 7 before run.end',
    });
  });

  it('process.exit(3) without run.end: failure with the exit code', async () => {
    const outcome = await runBoth('exit-code');
    expectSameEnding(outcome);
    expect(outcome.withLogger.code).toBe(3);
    expect(readRunFile(outcome.file).at(-1)!.payload).toMatchObject({ outcome: 'failure', exitCode: 3 });
  });

  it('a clean exit that forgot run.end still ends the run, as success, saying so', async () => {
    const outcome = await runBoth('forgot-end');
    expectSameEnding(outcome);
    expect(outcome.withLogger.code).toBe(0);
    expect(readRunFile(outcome.file).at(-1)!.payload).toMatchObject({
      outcome: 'success',
      exitCode: 0,
      reason: 'process exited with code 0 before run.end',
    });
  });

  it('a normal run with stdout mirroring prints the same lines it writes to the file', async () => {
    const outcome = await runBoth('stdout');
    expect(outcome.withLogger.code).toBe(0);
    const fileText = readRunFile(outcome.file);
    // progress(1, 2) goes out at once; the count that follows within the interval is flushed before step.end.
    expect(eventsOf(fileText)).toEqual([
      'run.start',
      'step.start',
      'step.progress',
      'step.progress',
      'step.end',
      'run.end',
    ]);
    expect(fileText[3]!.payload).toMatchObject({ event: 'step.progress', done: null, counts: { created: 1 } });
    const printed = outcome.withLogger.stdout.trim().split('\n');
    expect(printed).toHaveLength(fileText.length);
    expect(printed.map((line) => (JSON.parse(line) as { event?: string }).event ?? null)).toEqual(eventsOf(fileText));
  });
});
