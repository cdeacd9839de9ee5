// The demo's sample pipelines: real child processes writing through the run logger — a day of history first,
// then live runs, a SIGKILLed writer that leaves its run without run.end, and a clean stop on abort.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PIPELINES, findDemoPipeline, runDemoPipelines, type DemoPipeline } from '../app/demo/demo-pipelines.js';
import { eventsOf, readRunFile, waitFor } from './fixtures/logger-run-file.js';

const runsDir = mkdtempSync(join(tmpdir(), 'runboard-demo-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

function runFiles(pipeline: DemoPipeline): string[] {
  const dir = join(runsDir, pipeline.club, pipeline.pipeline);
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name));
}

describe('demo pipelines', () => {
  it('covers two clubs', () => {
    expect(new Set(DEMO_PIPELINES.map((p) => p.club)).size).toBeGreaterThanOrEqual(2);
    expect(DEMO_PIPELINES.some((p) => p.crashEvery)).toBe(true);
    expect(DEMO_PIPELINES.some((p) => p.failEvery)).toBe(true);
  });

  it('write history, then live runs with steps and recurring errors, a crashed writer, and stop on abort', async () => {
    const people = findDemoPipeline('rondo', 'people')!;
    const crashing = findDemoPipeline('demo-fc', 'people')!;
    const exits: Array<{ pipeline: string; code: number | null; signal: NodeJS.Signals | null }> = [];
    const abort = new AbortController();
    const demo = runDemoPipelines({
      runsDir,
      signal: abort.signal,
      historyRuns: 3,
      timeScale: 0.05,
      pipelines: [people, crashing],
      scenarioFor: (pipeline) => (pipeline === crashing ? 'crash' : 'success'),
      onRunExit: (pipeline, _n, code, signal) => exits.push({ pipeline: pipeline.club, code, signal }),
    });
    await waitFor(
      () =>
        exits.some((e) => e.pipeline === 'rondo') && exits.some((e) => e.pipeline === 'demo-fc') ? true : undefined,
      'a live run of each pipeline',
      30_000,
    );
    abort.abort();
    await demo;

    expect(exits.find((e) => e.pipeline === 'rondo')).toMatchObject({ code: 0, signal: null });
    expect(exits.find((e) => e.pipeline === 'demo-fc')).toMatchObject({ code: null, signal: 'SIGKILL' });

    const peopleFiles = runFiles(people);
    expect(peopleFiles.length).toBeGreaterThanOrEqual(4);
    const [firstHistoric] = peopleFiles.map(readRunFile);
    expect(firstHistoric![0]!.time).toBeLessThan(Date.now() - 12 * 3600_000);
    const live = readRunFile(peopleFiles[3]!);
    expect(live[0]!.time).toBeGreaterThan(Date.now() - 120_000);
    expect(live.at(-1)!.payload).toMatchObject({ event: 'run.end', outcome: 'success' });
    const stepEnds = live.filter((line) => line.payload.event === 'step.end').map((line) => line.payload);
    expect(stepEnds).toMatchObject([
      { step: 'download', outcome: 'success' },
      { step: 'prepare', outcome: 'success' },
      { step: 'submit', outcome: 'success' },
    ]);
    expect(eventsOf(live)).toContain('step.progress');
    const identifiers = (lines: ReturnType<typeof readRunFile>): string[] =>
      lines.flatMap((line) =>
        line.payload.event === 'error' && line.payload.identifier ? [line.payload.identifier] : [],
      );
    // The same records fail run after run, so the recurring view has something to show.
    for (const file of peopleFiles.slice(0, 4)) expect(identifiers(readRunFile(file))).toContain('KNVB1004217');

    // The first live run (after the 3 historic ones) is the one seen SIGKILLed above; a later one may have been
    // started just before the abort and stopped by SIGTERM, which does end its run.
    const crashed = readRunFile(runFiles(crashing)[3]!);
    expect(eventsOf(crashed)).not.toContain('run.end');
    // Killed in the middle of submit: the step started and never ended. (Not "the last line is a progress
    // event": progress writes are throttled, so an error line may be the last one written before the kill.)
    const submitEvents = crashed.filter((line) => line.step === 'submit').map((line) => line.payload.event);
    expect(submitEvents).toContain('step.start');
    expect(submitEvents).not.toContain('step.end');
  });
});
