// WAL checkpoints run on a worker thread with its own connection, never inside a commit on the daemon's thread (a
// checkpoint's fsync there held back every line on its way to the live socket). These tests check what the worker
// does to the real files, not how fast: bench/live.ts measures the latency.
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import {
  append,
  countRows,
  line,
  releaseIngestFixtures,
  runFile,
  startDaemon,
  tempWorld,
  waitFor,
} from './fixtures/ingest-harness.js';
import { Checkpointer } from '../ingest/store-checkpointer.js';

afterEach(releaseIngestFixtures);

interface CheckpointLog {
  msg: string;
  mode?: string;
  busy?: number;
  walFrames?: number;
  checkpointedFrames?: number;
}

function checkpointLogs(logs: string[]): CheckpointLog[] {
  return logs
    .map((text) => JSON.parse(text) as CheckpointLog)
    .filter((entry) => entry.msg === 'runboard ingest: WAL checkpointed');
}

const autocheckpointPages = (client: { pragma(source: string, options: { simple: true }): unknown }) =>
  client.pragma('wal_autocheckpoint', { simple: true });

/** Lines of a few hundred bytes, so a few thousand of them fill a WAL of some MB. */
const payload = 'x'.repeat(300);

it('the daemon connection does no automatic checkpoint while it runs, and gets it back on stop', async () => {
  const world = tempWorld();
  const { daemon } = await startDaemon(world);
  expect(autocheckpointPages(world.db.$client)).toBe(0);
  await daemon.stop();
  expect(autocheckpointPages(world.db.$client)).toBeGreaterThan(0);
});

it('while the daemon commits, the worker copies the WAL into the database file and the WAL starts over', async () => {
  const world = tempWorld();
  const dbBytesBefore = statSync(world.dbFile).size;
  const { logs } = await startDaemon(world, { checkpointIntervalMs: 50 });
  const file = runFile(world, 'club', 'ckpt', 'run-1');

  // Keep committing (small appends, each its own commit) until a pass has copied every frame and a later pass sees
  // the WAL holding fewer frames than before: the daemon's next commit wrote from the WAL's beginning again.
  let written = 0;
  const restartedThenShorter = () => {
    const passes = checkpointLogs(logs);
    const complete = passes.findIndex((p) => p.busy === 0 && p.walFrames! > 0 && p.checkpointedFrames === p.walFrames);
    if (complete < 0) return false;
    const before = passes[complete]!.walFrames!;
    return passes.slice(complete + 1).some((p) => p.walFrames! < before);
  };
  const deadline = Date.now() + 20_000;
  while (!restartedThenShorter()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a complete pass, then a shorter WAL');
    for (let i = 0; i < 20; i++) append(file, line({ msg: `line ${written++}`, payload }));
    // Paced appends: the daemon commits as they come, as it does for live runs.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await waitFor('every line ingested', () => countRows(world.db, 'run_logs') === written);

  // The copied pages are in the database file itself, though the daemon's own connection never checkpointed.
  expect(statSync(world.dbFile).size).toBeGreaterThan(dbBytesBefore + written * payload.length * 0.5);
  expect(autocheckpointPages(world.db.$client)).toBe(0);
});

it('a worker that cannot checkpoint logs why, never throws into the daemon thread, and stops cleanly', async () => {
  // On the checkpointer alone, with a real connection: a daemon whose database file vanishes is item 12's business.
  const world = tempWorld();
  const client = world.db.$client;
  // The worker opens its own connection at its first pass; a database file unlinked before that cannot be opened
  // (the daemon's connection keeps its open file and goes on).
  for (const name of readdirSync(world.dir)) if (name.startsWith('dashboard.sqlite')) unlinkSync(join(world.dir, name));
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (text: string) => void logs.push(text) });
  const checkpointer = Checkpointer.start({ client, logger, intervalMs: 20 });
  client.exec('CREATE TABLE probe (n INTEGER)');
  await waitFor('the failure logged', () =>
    logs.some((text) => (JSON.parse(text) as CheckpointLog).msg === 'runboard ingest: WAL checkpoint failed'),
  );
  client.prepare('INSERT INTO probe (n) VALUES (1)').run();
  expect(countRows(world.db, 'probe')).toBe(1);
  await checkpointer?.stop();
  expect(autocheckpointPages(client)).toBeGreaterThan(0);
});

it('daemons started and stopped one after another leave no thread behind', async () => {
  const threads = () => readdirSync('/proc/self/task').length;
  const cycle = async () => {
    const world = tempWorld();
    const { daemon } = await startDaemon(world);
    append(runFile(world, 'club', 'ckpt', 'run-1'), line({ msg: 'one' }));
    await waitFor('the line ingested', () => countRows(world.db, 'run_logs') === 1);
    await daemon.stop();
    world.cleanup();
  };
  await cycle(); // thread pools that start once per process start here
  const baseline = threads();
  for (let i = 0; i < 5; i++) await cycle();
  expect(threads()).toBeLessThanOrEqual(baseline);
});
