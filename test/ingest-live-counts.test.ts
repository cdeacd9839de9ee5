// Live counts through the real daemon and SQLite: a step.progress line's counts move the step and run rows (and
// the change the live hub publishes) while the step runs, and step.end's counts replace them, also when the
// daemon restarted in between (the last report is stored with the step, not only in memory).
import { afterEach, expect, it } from 'vitest';
import {
  append,
  line,
  releaseIngestFixtures,
  runByKey,
  runFile,
  startDaemon,
  tempWorld,
  waitFor,
} from './fixtures/ingest-harness.js';

afterEach(releaseIngestFixtures);

it('progress counts reach the rows and the published change before step.end; step.end replaces them after a restart', async () => {
  const world = tempWorld();
  const file = runFile(world, 'rondo', 'people', 'live-counts');
  append(file, line({ event: 'run.start' }) + line({ event: 'step.start', step: 'submit' }));
  append(file, line({ event: 'step.progress', step: 'submit', done: 4, total: 10, counts: { updated: 4 } }));
  const first = await startDaemon(world);
  await waitFor('updated 4 on the run', () => runByKey(world.db, 'live-counts')?.updated === 4);
  const published = first.changes.flatMap((change) => change.steps).at(-1);
  expect(published).toMatchObject({ name: 'submit', status: 'running', updated: 4, progressDone: 4 });
  expect(first.changes.flatMap((change) => change.runs).at(-1)).toMatchObject({ updated: 4, status: 'running' });

  append(file, line({ event: 'step.progress', step: 'submit', counts: { updated: 6, failed: 1 } }));
  await waitFor('updated 6 on the run', () => runByKey(world.db, 'live-counts')?.updated === 6);
  expect(runByKey(world.db, 'live-counts')).toMatchObject({ updated: 6, failed: 1 });

  // A restart forgets the in-memory run states: the next figures must still replace, not add.
  await first.daemon.stop();
  append(file, line({ event: 'step.progress', step: 'submit', counts: { updated: 8, failed: 1 } }));
  append(file, line({ event: 'step.end', step: 'submit', outcome: 'success', counts: { updated: 9, failed: 1 } }));
  append(file, line({ event: 'run.end', outcome: 'success' }));
  await startDaemon(world);
  await waitFor('the run to end', () => runByKey(world.db, 'live-counts')?.status === 'success');
  expect(runByKey(world.db, 'live-counts')).toMatchObject({ created: 0, updated: 9, skipped: 0, failed: 1 });
  const step = world.db.$client
    .prepare<[], { updated: number; failed: number; progressCounts: string | null }>(
      `SELECT updated, failed, progress_counts AS progressCounts FROM run_steps WHERE name = 'submit'`,
    )
    .get();
  expect(step).toEqual({ updated: 9, failed: 1, progressCounts: null });
});
