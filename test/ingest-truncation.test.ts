// A file that shrinks below its committed offset was truncated: its run is read again from the start, and a
// `truncated` reject row records it.
import { truncateSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  append,
  committedOffset,
  countRows,
  line,
  messagesOf,
  rejects,
  runByKey,
  runFile,
  startDaemon,
  waitFor,
  ingestIt as it,
} from './fixtures/ingest-harness.js';

it('live: truncated to empty and rewritten, the run holds only the new lines', async ({ world }) => {
  const file = runFile(world, 'club', 'pipe', 'trunc');
  const running = await startDaemon(world);
  append(file, line({ msg: 'old 1', event: 'run.start' }) + line({ msg: 'old 2', level: 50 }) + line({ msg: 'old 3' }));
  await waitFor('old lines', () => runByKey(world.db, 'trunc')?.logCount === 3);
  const oldRun = runByKey(world.db, 'trunc')!;
  const oldSize = committedOffset(world.db, 'club/pipe/trunc.ndjson');

  truncateSync(file, 0);
  const fresh = line({ msg: 'new 1' }) + line({ msg: 'new 2' });
  append(file, fresh);
  await waitFor('new lines', () => {
    const run = runByKey(world.db, 'trunc');
    return run !== undefined && run.id !== oldRun.id && run.logCount === 2;
  });
  const run = runByKey(world.db, 'trunc')!;
  expect(messagesOf(world.db, run.id)).toEqual(['new 1', 'new 2']);
  expect(run.errorCount).toBe(0);
  // The old run's rows are gone with it.
  expect(countRows(world.db, 'run_logs', 'run_id = ?', oldRun.id)).toBe(0);
  expect(countRows(world.db, 'run_errors')).toBe(0);
  expect(rejects(world.db)).toMatchObject([{ reason: 'truncated', offset: oldSize, file: 'club/pipe/trunc.ndjson' }]);
  expect(committedOffset(world.db, 'club/pipe/trunc.ndjson')).toBe(Buffer.byteLength(fresh));
  const removed = running.changes.flatMap((c) => c.removedRunIds ?? []);
  expect(removed).toEqual([oldRun.id]);
});

it('while down: cut in the middle, the file is read again from 0 on start', async ({ world }) => {
  const file = runFile(world, 'club', 'pipe', 'cut');
  const a = line({ msg: 'a' });
  writeFileSync(file, a + line({ msg: 'b' }) + line({ msg: 'c' }));
  const running = await startDaemon(world);
  expect(runByKey(world.db, 'cut')!.logCount).toBe(3);
  await running.daemon.stop();
  truncateSync(file, Buffer.byteLength(a));
  await startDaemon(world);
  const run = runByKey(world.db, 'cut')!;
  expect(messagesOf(world.db, run.id)).toEqual(['a']);
  expect(rejects(world.db).map((r) => r.reason)).toEqual(['truncated']);
  expect(
    world.db.$client.prepare(`SELECT generation FROM ingest_files WHERE path = 'club/pipe/cut.ndjson'`).get(),
  ).toEqual({ generation: 1 });
});

it('an uncommitted partial line that is cut away is not a truncation', async ({ world }) => {
  const file = runFile(world, 'club', 'pipe', 'partial-cut');
  const a = line({ msg: 'a' });
  await startDaemon(world);
  append(file, a + '{"msg": "half');
  await waitFor('a', () => runByKey(world.db, 'partial-cut')?.logCount === 1);
  truncateSync(file, Buffer.byteLength(a));
  append(file, line({ msg: 'b' }));
  await waitFor('b', () => runByKey(world.db, 'partial-cut')?.logCount === 2);
  expect(messagesOf(world.db, runByKey(world.db, 'partial-cut')!.id)).toEqual(['a', 'b']);
  expect(rejects(world.db)).toEqual([]);
});
