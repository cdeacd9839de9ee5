// Rows are idempotent on (run, byte offset): if the committed offset were ever behind the rows (it is not, both
// commit together — this forces it), re-reading stores nothing twice and applies no effect twice.
import { expect } from 'vitest';
import {
  append,
  countRows,
  line,
  messagesOf,
  runByKey,
  runFile,
  startDaemon,
  ingestIt as it,
} from './fixtures/ingest-harness.js';

it('re-reading lines already stored changes nothing; new lines after them are added once', async ({ world }) => {
  const file = runFile(world, 'club', 'pipe', 'replay');
  const first = line({ event: 'run.start' }) + line({ event: 'step.start', step: 's' });
  const lines: string[] = [];
  for (let i = 0; i < 150; i++) lines.push(line({ msg: `n${i}`, level: i % 50 === 0 ? 50 : 30 }));
  append(
    file,
    first + lines.join('') + line({ event: 'step.end', step: 's', outcome: 'success', counts: { created: 4 } }),
  );
  let running = await startDaemon(world);
  const before = runByKey(world.db, 'replay')!;
  expect(before).toMatchObject({ logCount: 153, errorCount: 3, created: 4 });
  await running.daemon.stop();

  for (const rewindTo of [Buffer.byteLength(first), 0]) {
    // Force the offset back (past rows of this file), and add new lines.
    world.db.$client.prepare(`UPDATE ingest_files SET committed_offset = ?`).run(rewindTo);
    append(file, line({ msg: `more after rewind to ${rewindTo}`, level: 50 }));
    running = await startDaemon(world);
    await running.daemon.stop();
  }
  const after = runByKey(world.db, 'replay')!;
  expect(after.id).toBe(before.id);
  expect(after).toMatchObject({ logCount: 155, errorCount: 5, created: 4, status: 'running' });
  expect(countRows(world.db, 'run_logs')).toBe(155);
  expect(countRows(world.db, 'run_errors')).toBe(5);
  const msgs = messagesOf(world.db, after.id);
  expect(msgs.slice(-2)).toEqual([`more after rewind to ${Buffer.byteLength(first)}`, 'more after rewind to 0']);
});

it('re-reading rejected lines records each reject once', async ({ world }) => {
  const file = runFile(world, 'club', 'pipe', 'rejects');
  append(file, line({ event: 'run.start' }) + '{"broken\n' + line({ msg: 'ok' }) + '[1]\n');
  let running = await startDaemon(world);
  await running.daemon.stop();
  expect(countRows(world.db, 'ingest_rejects')).toBe(2);
  // A crash between a commit and the offset moving past it, forced: the same bytes are read again.
  world.db.$client.prepare(`UPDATE ingest_files SET committed_offset = 0`).run();
  append(file, '{"broken again\n');
  running = await startDaemon(world);
  await running.daemon.stop();
  expect(countRows(world.db, 'ingest_rejects')).toBe(3);
  expect(countRows(world.db, 'run_logs')).toBe(2);
});
