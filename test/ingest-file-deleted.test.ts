// A file deleted while being read: what the open fd still holds is read, then the file is forgotten; its run stays.
import { unlinkSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  committedOffset,
  line,
  messagesOf,
  runByKey,
  runFile,
  startDaemon,
  waitFor,
  ingestIt as it,
} from './fixtures/ingest-harness.js';

it('deleted mid-read: every line written before the delete is ingested, once; the run stays', async ({ world }) => {
  const file = runFile(world, 'club', 'pipe', 'doomed');
  const running = await startDaemon(world);
  const lines: string[] = [];
  for (let i = 0; i < 60_000; i++) lines.push(line({ msg: `line ${i}`, n: i }));
  writeFileSync(file, lines.join(''));
  await waitFor('reading has begun', () => (runByKey(world.db, 'doomed')?.logCount ?? 0) > 0);
  unlinkSync(file);
  const before = runByKey(world.db, 'doomed')!.logCount;
  await waitFor('file forgotten', () => committedOffset(world.db, 'club/pipe/doomed.ndjson') === undefined);
  const run = runByKey(world.db, 'doomed')!;
  expect(before).toBeLessThan(60_000); // it really was deleted while being read
  expect(run.logCount).toBe(60_000);
  const msgs = messagesOf(world.db, run.id);
  expect(new Set(msgs).size).toBe(60_000);
  expect(msgs[59_999]).toBe('line 59999');
  expect(running.logs.join('')).not.toMatch(/"level":50/);
});

it('deleted while idle: forgotten by the sweep; the same path written again is a fresh run', async ({ world }) => {
  const file = runFile(world, 'club', 'pipe', 'again');
  writeFileSync(file, line({ msg: 'first life' }));
  await startDaemon(world, { sweepIntervalMs: 200 });
  const first = runByKey(world.db, 'again')!;
  unlinkSync(file);
  await waitFor('file forgotten', () => committedOffset(world.db, 'club/pipe/again.ndjson') === undefined);
  expect(runByKey(world.db, 'again')!.id).toBe(first.id);

  writeFileSync(file, line({ msg: 'second life 1' }) + line({ msg: 'second life 2' }));
  await waitFor('second life', () => runByKey(world.db, 'again')?.logCount === 2);
  const second = runByKey(world.db, 'again')!;
  expect(messagesOf(world.db, second.id)).toEqual(['second life 1', 'second life 2']);

  // A new file elsewhere is still picked up: the daemon kept going.
  writeFileSync(runFile(world, 'club', 'pipe', 'other'), line({ msg: 'x' }));
  await waitFor('other', () => runByKey(world.db, 'other')?.logCount === 1);
});
