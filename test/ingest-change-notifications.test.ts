// After each committed batch the daemon tells its listeners what changed; never before the commit, and a
// listener that throws does not stop ingest.
import { afterEach, expect } from 'vitest';
import { openDb, type Db } from '../shared/db.js';
import type { IngestChange } from '../shared/ingest-change.js';
import {
  append,
  line,
  logsOf,
  runByKey,
  runFile,
  startDaemon,
  waitFor,
  ingestIt as it,
} from './fixtures/ingest-harness.js';

let reader: Db | null = null;
afterEach(() => {
  reader?.$client.close();
  reader = null;
});

it('publishes runs, steps, errors and log rows with their ids, visible to another connection when published', async ({
  world,
}) => {
  const running = await startDaemon(world);
  reader = openDb(world.dbFile, { migrate: false });
  const seenByReader: number[] = [];
  const received: IngestChange[] = [];
  running.daemon.onChange((change) => {
    received.push(change);
    // Another connection sees the rows already: the change is published after the commit.
    for (const log of change.logs) {
      const row = reader!.$client.prepare<[number], { id: number }>('SELECT id FROM run_logs WHERE id = ?').get(log.id);
      if (row) seenByReader.push(row.id);
    }
  });
  const file = runFile(world, 'club', 'pipe', 'notify');
  append(
    file,
    line({ event: 'run.start' }) +
      line({ event: 'step.start', step: 's' }) +
      line({ event: 'error', step: 's', msg: 'bad thing 42', system: 'api' }) +
      line({ event: 'step.end', step: 's', outcome: 'failure', counts: { failed: 1 } }),
  );
  await waitFor('published', () => received.reduce((n, c) => n + c.logs.length, 0) === 4);

  const run = runByKey(world.db, 'notify')!;
  const logs = received.flatMap((c) => c.logs);
  expect(logs.map((l) => l.id)).toEqual(logsOf(world.db, run.id).map((l) => l.id));
  expect(seenByReader).toEqual(logs.map((l) => l.id));
  expect(logs.map((l) => l.event)).toEqual(['run.start', 'step.start', 'error', 'step.end']);
  const last = received[received.length - 1]!;
  expect(last.runs.at(-1)).toMatchObject({ id: run.id, failed: 1, errorCount: 1, logCount: 4 });
  const steps = received.flatMap((c) => c.steps);
  expect(steps.at(-1)).toMatchObject({ runId: run.id, name: 's', status: 'failure', failed: 1 });
  const errors = received.flatMap((c) => c.errors);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ runId: run.id, message: 'bad thing 42', system: 'api' });
  expect(typeof errors[0]!.id).toBe('number');
  const stats = received.map((c) => c.stats);
  expect(stats.reduce((n, s) => n + s.lines, 0)).toBe(4);
  expect(stats.every((s) => s.commitMs >= 0 && s.lagMs !== null)).toBe(true);
});

it('a throwing listener does not break ingest or the other listeners; unsubscribe stops delivery', async ({
  world,
}) => {
  const running = await startDaemon(world);
  const good: IngestChange[] = [];
  running.daemon.onChange(() => {
    throw new Error('listener bug');
  });
  const unsubscribe = running.daemon.onChange((change) => void good.push(change));
  const file = runFile(world, 'club', 'pipe', 'throwing');
  append(file, line({ msg: 'one' }));
  await waitFor('delivered', () => good.length === 1);
  append(file, line({ msg: 'two' }));
  await waitFor('delivered again', () => good.length === 2);
  expect(runByKey(world.db, 'throwing')!.logCount).toBe(2);
  expect(running.logs.join('')).toContain('listener bug');

  unsubscribe();
  append(file, line({ msg: 'three' }));
  await waitFor('ingested', () => runByKey(world.db, 'throwing')!.logCount === 3);
  // The harness's own listener has seen the third line's change, so ours would have too.
  await waitFor('harness listener', () => running.changes.some((c) => c.logs.some((l) => l.msg === 'three')));
  expect(good).toHaveLength(2);
});
