// One busy file never starves the others: files with work take turns, one bounded batch each.
import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { append, line, runByKey, runFile, startDaemon, waitFor, ingestIt as it } from './fixtures/ingest-harness.js';

it('a line in a quiet file is committed while a 200,000-line backlog in another is still being read', async ({
  world,
}) => {
  const running = await startDaemon(world);
  const BIG = 200_000;
  const lines: string[] = [];
  for (let i = 0; i < BIG; i++) lines.push(line({ msg: `bulk ${i}`, member: `KNVB${i}`, attempt: 1 }));
  writeFileSync(runFile(world, 'club', 'bulk', 'big'), lines.join(''));
  await waitFor('backlog started', () => (runByKey(world.db, 'big')?.logCount ?? 0) > 0);

  append(runFile(world, 'club', 'quiet', 'small'), line({ msg: 'urgent' }));
  await waitFor('quiet file committed', () => runByKey(world.db, 'small')?.logCount === 1);
  const bigDone = runByKey(world.db, 'big')!.logCount;
  expect(bigDone).toBeLessThan(BIG);

  // Batches are bounded: every committed change of the big file holds at most 2,000 lines.
  await waitFor('backlog done', () => runByKey(world.db, 'big')?.logCount === BIG, 60_000);
  const bigId = runByKey(world.db, 'big')!.id;
  const batches = running.changes.filter((c) => c.runs.some((r) => r.id === bigId));
  expect(Math.max(...batches.map((c) => c.logs.length))).toBeLessThanOrEqual(2000);
  expect(batches.reduce((n, c) => n + c.logs.length, 0)).toBe(BIG);
});
