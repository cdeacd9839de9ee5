// A run whose writer died without run.end becomes `abandoned`: at once if the writer was on this host and its pid
// is gone, else after `staleAfter` of silence. Lines arriving later bring it back. A plain pino file (no contract
// events) never promised a run.end: it becomes `ended` (outcome not recorded), or `failure` if it logged fatal.
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { abandonReason, isPidAlive, silentRunEnd, type AbandonCheck } from '../ingest/abandoned.js';
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
  it('how a silent run ends: abandoned if it announced the contract, failure if plain and fatal, else ended', () => {
    expect(silentRunEnd({ announcedContract: true, loggedFatal: true }, 'gone')).toEqual({
      status: 'abandoned',
      reason: 'gone',
    });
    expect(silentRunEnd({ announcedContract: false, loggedFatal: true }, 'gone').status).toBe('failure');
    const ended = silentRunEnd({ announcedContract: false, loggedFatal: false }, 'gone');
    expect(ended.status).toBe('ended');
    expect(ended.reason).toMatch(/^outcome not recorded: the file has no run\.end \(gone\)/);
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
    await waitFor('probe ended', () => runByKey(world.db, 'probe')?.status === 'ended');
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
    // Its open step ended with it, in the database and in what listeners were told.
    const step = () =>
      world.db.$client
        .prepare<[number], { status: string; finishedAt: number | null }>(
          `SELECT status, finished_at AS finishedAt FROM run_steps WHERE run_id = ? AND name = 'work'`,
        )
        .get(abandoned.id)!;
    expect(step()).toEqual({ status: 'failure', finishedAt: abandoned.finishedAt });
    expect(running.changes.some((c) => c.steps.some((s) => s.name === 'work' && s.status === 'failure'))).toBe(true);
    expect(running.changes.some((c) => c.runs.some((r) => r.runKey === 'killed' && r.status === 'abandoned'))).toBe(
      true,
    );

    // Someone (a wrapper, a retry) writes more for the run: it is alive again, then finished by its run.end.
    append(file, line({ msg: 'recovered', time: Date.now() }));
    await waitFor('revived', () => runByKey(world.db, 'killed')?.logCount === 4);
    expect(runByKey(world.db, 'killed')).toMatchObject({ status: 'running', endReason: null, finishedAt: null });
    expect(step()).toEqual({ status: 'running', finishedAt: null });
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
    expect(runByKey(world.db, 'gone')!.status).toBe('ended');
    expect(runByKey(world.db, 'done')!.status).toBe('failure');
  });

  it('plain pino files whose writer is gone: ended (outcome not recorded), or failure when they logged fatal', async () => {
    world = tempWorld();
    const gone = { pid: 999_999_999, hostname: hostname() };
    append(runFile(world, 'club', 'plain', 'quiet'), line({ ...gone, msg: 'did its work' }));
    append(
      runFile(world, 'club', 'plain', 'fatal'),
      line({ ...gone, msg: 'starting' }) + line({ ...gone, level: 60, msg: 'uncaught: boom' }),
    );
    running = await startDaemon(world, { abandonCheckMs: 100 });
    expect(runByKey(world.db, 'quiet')).toMatchObject({ status: 'ended', errorCount: 0 });
    expect(runByKey(world.db, 'quiet')!.endReason).toMatch(/^outcome not recorded/);
    expect(runByKey(world.db, 'fatal')).toMatchObject({ status: 'failure', errorCount: 1 });
    expect(runByKey(world.db, 'fatal')!.endReason).toMatch(/^logged a fatal line/);
    // A line arriving later revives an ended run, as it does an abandoned one.
    append(runFile(world, 'club', 'plain', 'quiet'), line({ msg: 'still here' }));
    await waitFor('revived', () => runByKey(world.db, 'quiet')?.status === 'running');
  });
});
