// A run whose writer died without run.end becomes `abandoned`: at once if the writer was on this host and its pid
// is gone, else after `staleAfter` of silence. Lines arriving later bring it back.
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { abandonReason, isPidAlive, type AbandonCheck } from '../ingest/abandoned.js';
import {
  append,
  line,
  runByKey,
  runFile,
  startDaemon,
  tempWorld,
  waitFor,
  type RunningDaemon,
  type TempWorld,
  releaseIngestFixtures,
} from './fixtures/ingest-harness.js';
import { killChild, spawnFixture, type Child } from './fixtures/ingest-spawn.js';

describe('abandonReason (pure)', () => {
  const check: AbandonCheck = {
    now: 10_000_000,
    hostname: 'here',
    staleAfterMs: 3_600_000,
    isPidAlive: (pid) => pid === 1,
  };
  const run = { status: 'running' as const, host: 'here', pid: 1, lastEventAt: 9_999_000 };

  it('a live writer on this host, recently heard from: not abandoned', () => {
    expect(abandonReason(run, check)).toBeNull();
  });
  it('writer pid gone on this host: abandoned', () => {
    expect(abandonReason({ ...run, pid: 2 }, check)).toMatch(/writer process 2 on here is gone/);
  });
  it('a pid on another host says nothing: only silence counts there', () => {
    expect(abandonReason({ ...run, host: 'there', pid: 2 }, check)).toBeNull();
    expect(abandonReason({ ...run, host: 'there', pid: 2, lastEventAt: 10_000_000 - 3_600_001 }, check)).toMatch(
      /silent/,
    );
  });
  it('silent exactly staleAfter is not yet stale; one ms more is', () => {
    expect(abandonReason({ ...run, lastEventAt: 10_000_000 - 3_600_000 }, check)).toBeNull();
    expect(abandonReason({ ...run, lastEventAt: 10_000_000 - 3_600_001 }, check)).not.toBeNull();
  });
  it('no pid or host: only silence counts', () => {
    expect(abandonReason({ ...run, pid: null }, check)).toBeNull();
    expect(abandonReason({ ...run, host: null, pid: 2 }, check)).toBeNull();
  });
  it('only running runs are abandoned', () => {
    for (const status of ['success', 'failure', 'abandoned'] as const) {
      expect(abandonReason({ ...run, status, pid: 2 }, check)).toBeNull();
    }
  });
  it('isPidAlive: this process is alive; an impossible pid is not', () => {
    expect(isPidAlive(process.pid)).toBe(true);
    expect(isPidAlive(-5)).toBe(false);
  });
});

describe('daemon', () => {
  let world: TempWorld;
  let running: RunningDaemon | null = null;
  let writer: Child | null = null;
  afterEach(async () => {
    if (writer) await killChild(writer);
    writer = null;
    await releaseIngestFixtures();
  });

  it('a writer killed with SIGKILL mid-run: abandoned; lines arriving later revive and finish it', async () => {
    world = tempWorld();
    running = await startDaemon(world, { abandonCheckMs: 100 });
    const file = runFile(world, 'club', 'pipe', 'killed');
    writer = spawnFixture('ingest-writer-child.ts', [file]);
    await writer.waitFor('written');
    const run = await waitFor('run ingested', () => {
      const r = runByKey(world.db, 'killed');
      return r?.logCount === 3 ? r : undefined;
    });
    expect(run).toMatchObject({ status: 'running', host: hostname(), pid: writer.process.pid });

    // A silent run from another host proves an abandon check has run since; the live writer's run must survive it.
    append(
      runFile(world, 'club', 'pipe', 'probe'),
      line({ hostname: 'far-away', pid: 1, time: Date.now() - 2 * 3600_000 }),
    );
    await waitFor('probe abandoned', () => runByKey(world.db, 'probe')?.status === 'abandoned');
    expect(runByKey(world.db, 'probe')!.endReason).toMatch(/silent/);
    expect(runByKey(world.db, 'killed')!.status).toBe('running');

    await killChild(writer, 'SIGKILL');
    writer = null;
    const abandoned = await waitFor('abandoned', () => {
      const r = runByKey(world.db, 'killed');
      return r?.status === 'abandoned' ? r : undefined;
    });
    expect(abandoned.endReason).toMatch(/writer process \d+ on .* is gone without a run\.end/);
    expect(abandoned.finishedAt).toBe(abandoned.lastEventAt);
    expect(running.changes.some((c) => c.runs.some((r) => r.runKey === 'killed' && r.status === 'abandoned'))).toBe(
      true,
    );

    // Someone (a wrapper, a retry) writes more for the run: it is alive again, then finished by its run.end.
    append(file, line({ msg: 'recovered', time: Date.now() }));
    await waitFor('revived', () => runByKey(world.db, 'killed')?.logCount === 4);
    expect(runByKey(world.db, 'killed')).toMatchObject({ status: 'running', endReason: null, finishedAt: null });
    append(file, line({ event: 'run.end', outcome: 'success', time: Date.now() }));
    await waitFor('finished', () => runByKey(world.db, 'killed')?.status === 'success');
  });

  it('a finished run is never abandoned, whatever its writer', async () => {
    world = tempWorld();
    const file = runFile(world, 'club', 'pipe', 'done');
    append(file, line({ event: 'run.start', pid: 999_999_999, hostname: hostname() }));
    append(file, line({ event: 'run.end', outcome: 'failure', time: Date.now() - 5 * 3600_000 }));
    append(runFile(world, 'club', 'pipe', 'gone'), line({ pid: 999_999_999, hostname: hostname() }));
    running = await startDaemon(world, { abandonCheckMs: 100 });
    // start() runs one check after catch-up.
    expect(runByKey(world.db, 'gone')!.status).toBe('abandoned');
    expect(runByKey(world.db, 'done')!.status).toBe('failure');
  });
});
