// Issue 8's proof, with real writers in child processes and the real daemon following them: a run-logger run killed
// mid-step is `abandoned` with its open step closed; a plain-pino run that exits without run.end is `ended`; one that
// logged a fatal line is `failure`. Checked in the database and through the API.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunDetail } from '../shared/api.js';
import { buildApp } from '../server/app.js';
import { createMetrics } from '../server/metrics.js';
import {
  releaseIngestFixtures,
  runByKey,
  runFile,
  startDaemon,
  tempWorld,
  waitFor,
} from './fixtures/ingest-harness.js';
import { spawnFixture } from './fixtures/ingest-spawn.js';
import { killLeftovers, spawnTs } from './fixtures/logger-run-file.js';

afterEach(async () => {
  killLeftovers();
  await releaseIngestFixtures();
});

/** A run as the API shows it, from the database the daemon writes. */
async function apiRun(world: ReturnType<typeof tempWorld>, runId: number): Promise<RunDetail> {
  const app = await buildApp({
    db: world.db,
    runsDir: world.runsDir,
    token: null,
    webDir: null,
    isReady: () => true,
    metrics: createMetrics(),
    logger: false,
  });
  try {
    const response = await app.inject({ url: `/api/runs/${runId}` });
    expect(response.statusCode).toBe(200);
    return response.json<RunDetail>();
  } finally {
    await app.close();
  }
}

describe('real writers, judged by the daemon', () => {
  it('a run-logger run SIGKILLed mid-step: abandoned, its open step closed with it', async () => {
    const world = tempWorld();
    const running = await startDaemon(world, { abandonCheckMs: 100 });
    // The run logger as a pipeline uses it: default process-end handling (which SIGKILL gives no chance to run).
    const child = spawnTs('test/fixtures/logger-child.ts', ['in-step-signal', world.runsDir, 'killed-run']);
    await child.printed('READY');
    const live = await waitFor('the running step ingested', () => {
      const run = runByKey(world.db, 'killed-run');
      return run && running.changes.some((c) => c.steps.some((s) => s.runId === run.id && s.name === 'download'))
        ? run
        : undefined;
    });
    expect(live).toMatchObject({ status: 'running', host: hostname(), pid: child.child.pid });

    child.child.kill('SIGKILL');
    expect(await child.finished).toMatchObject({ signal: 'SIGKILL' });
    const abandoned = await waitFor('abandoned', () => {
      const run = runByKey(world.db, 'killed-run');
      return run?.status === 'abandoned' ? run : undefined;
    });
    expect(abandoned.endReason).toMatch(/writer process \d+ on .* is gone without a run\.end/);
    const detail = await apiRun(world, abandoned.id);
    expect(detail.status).toBe('abandoned');
    expect(detail.steps).toHaveLength(1);
    expect(detail.steps[0]).toMatchObject({ name: 'download', progress: { done: 5, total: 10 } });
    expect(detail.steps[0]!.status).toBe('failure');
    expect(detail.steps[0]!.finishedAt).toBe(detail.finishedAt);
  });

  it('a plain pino writer that exits cleanly without run.end: ended, outcome not recorded', async () => {
    const world = tempWorld();
    await startDaemon(world, { abandonCheckMs: 100 });
    const writer = spawnFixture('plain-pino-child.ts', [runFile(world, 'club', 'plain', 'clean'), 'clean']);
    expect(await writer.exited).toEqual({ code: 0, signal: null });
    const ended = await waitFor('ended', () => {
      const run = runByKey(world.db, 'clean');
      return run && run.status !== 'running' ? run : undefined;
    });
    expect(ended).toMatchObject({ status: 'ended', host: hostname(), pid: writer.process.pid, logCount: 3 });
    expect(ended.endReason).toMatch(/^outcome not recorded: the file has no run\.end/);
    expect((await apiRun(world, ended.id)).status).toBe('ended');
  });

  it('a plain pino writer that logs a fatal line and exits: failure', async () => {
    const world = tempWorld();
    await startDaemon(world, { abandonCheckMs: 100 });
    const writer = spawnFixture('plain-pino-child.ts', [join(world.runsDir, 'club', 'plain', 'fatal.ndjson'), 'fatal']);
    expect(await writer.exited).toEqual({ code: 1, signal: null });
    const failed = await waitFor('failure', () => {
      const run = runByKey(world.db, 'fatal');
      return run && run.status !== 'running' ? run : undefined;
    });
    expect(failed.status).toBe('failure');
    expect(failed.endReason).toMatch(/^logged a fatal line; writer process \d+ on .* is gone/);
    expect(failed.errorCount).toBe(1);
    const detail = await apiRun(world, failed.id);
    expect(detail).toMatchObject({ status: 'failure', errorCount: 1 });
  });
});
