// Retention: runs idle (not seen written: last ingest and file mtime) for longer than retentionDays go with all their rows; their files stay (not ingested again)
// unless deleteFilesOnRetention.
import { existsSync, utimesSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { expect } from 'vitest';
import { retentionCutoff } from '../ingest/retention.js';
import {
  allRuns,
  append,
  committedOffset,
  countRows,
  line,
  runByKey,
  runFile,
  startDaemon,
  ingestIt as it,
  type TempWorld,
} from './fixtures/ingest-harness.js';

const DAY = 24 * 3600_000;

function writeRun(world: TempWorld, name: string, ageDays: number): string {
  const file = runFile(world, 'club', 'pipe', name);
  const t = Date.now() - ageDays * DAY;
  append(
    file,
    line({ event: 'run.start', time: t }) +
      line({ event: 'step.start', step: 's', time: t + 1 }) +
      line({ event: 'error', msg: 'x', time: t + 2 }) +
      line({ event: 'step.end', step: 's', outcome: 'success', time: t + 3 }) +
      line({ event: 'run.end', outcome: 'success', time: t + 4 }),
  );
  return file;
}

it('retentionCutoff is now minus the days', () => {
  expect(retentionCutoff(100 * DAY, 90)).toBe(10 * DAY);
});

/** Make a run look idle for `ageDays`: its last ingest (ingest_files.updated_at) and its file's mtime. */
function idleFor(world: TempWorld, file: string, ageDays: number): void {
  const at = Date.now() - ageDays * DAY;
  world.db.$client
    .prepare(`UPDATE ingest_files SET updated_at = ? WHERE path = ?`)
    .run(at, relative(world.runsDir, file).split(sep).join('/'));
  utimesSync(file, at / 1000, at / 1000);
}

it('on start: runs idle too long and their rows are deleted, recent ones kept; kept files are not ingested again', async ({
  world,
}) => {
  const oldFile = writeRun(world, 'old', 100);
  const edgeFile = writeRun(world, 'edge-young', 89);
  writeRun(world, 'fresh', 0);
  // The first start has just seen every file written: none is idle yet, whatever times its lines carry.
  let running = await startDaemon(world, { retentionDays: 90 });
  expect(allRuns(world.db)).toHaveLength(3);
  await running.daemon.stop();

  idleFor(world, oldFile, 100);
  idleFor(world, edgeFile, 89);
  world.db.$client
    .prepare(`INSERT INTO ingest_rejects (file, offset, reason, at) VALUES ('x', 0, 'invalid_json', ?)`)
    .run(Date.now() - 100 * DAY);
  running = await startDaemon(world, { retentionDays: 90 });
  expect(
    allRuns(world.db)
      .map((r) => r.runKey)
      .sort(),
  ).toEqual(['edge-young', 'fresh']);
  const kept = allRuns(world.db).map((r) => r.id);
  for (const table of ['run_logs', 'run_errors', 'run_steps']) {
    expect(countRows(world.db, table, `run_id NOT IN (${kept.join(',')})`)).toBe(0);
  }
  expect(countRows(world.db, 'run_logs')).toBe(10);
  expect(countRows(world.db, 'ingest_rejects')).toBe(0);
  expect(existsSync(oldFile)).toBe(true);
  expect(committedOffset(world.db, 'club/pipe/old.ndjson')).toBeGreaterThan(0);
  const removed = running.changes.flatMap((c) => c.removedRunIds ?? []);
  expect(removed).toHaveLength(1);

  await running.daemon.stop();
  await startDaemon(world, { retentionDays: 90 });
  expect(runByKey(world.db, 'old')).toBeUndefined();
});

it('with deleteFilesOnRetention the files of runs idle too long go too', async ({ world }) => {
  const oldFile = writeRun(world, 'old', 100);
  const freshFile = writeRun(world, 'fresh', 1);
  const running = await startDaemon(world, { retentionDays: 90, deleteFilesOnRetention: true });
  await running.daemon.stop();
  idleFor(world, oldFile, 100);
  await startDaemon(world, { retentionDays: 90, deleteFilesOnRetention: true });
  expect(existsSync(oldFile)).toBe(false);
  expect(existsSync(freshFile)).toBe(true);
  expect(committedOffset(world.db, 'club/pipe/old.ndjson')).toBeUndefined();
  expect(allRuns(world.db).map((r) => r.runKey)).toEqual(['fresh']);
});

it('a fresh file whose lines say 2001 is not deleted at start-up: times inside a file never expire it', async ({
  world,
}) => {
  const file = runFile(world, 'club', 'pipe', 'py');
  append(file, line({ event: 'run.start', time: 1_000_000_000_000 }) + line({ msg: 'hi', time: 1_000_000_000_001 }));
  await startDaemon(world, { retentionDays: 90, deleteFilesOnRetention: true });
  expect(existsSync(file)).toBe(true);
  expect(runByKey(world.db, 'py')?.logCount).toBe(2);
});

it('an old last ingest but a file modified since (mtime) is kept', async ({ world }) => {
  const file = writeRun(world, 'touched', 100);
  const running = await startDaemon(world, { retentionDays: 90, deleteFilesOnRetention: true });
  await running.daemon.stop();
  idleFor(world, file, 100);
  const now = Date.now() / 1000;
  utimesSync(file, now, now);
  await startDaemon(world, { retentionDays: 90, deleteFilesOnRetention: true });
  expect(existsSync(file)).toBe(true);
  expect(runByKey(world.db, 'touched')).toBeDefined();
});
