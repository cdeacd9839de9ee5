// Retention: runs idle for longer than retentionDays go with all their rows; their files stay (not ingested again)
// unless deleteFilesOnRetention.
import { existsSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
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
  tempWorld,
  type RunningDaemon,
  type TempWorld,
  releaseIngestFixtures,
} from './fixtures/ingest-harness.js';

const DAY = 24 * 3600_000;
let world: TempWorld;
let running: RunningDaemon | null = null;
afterEach(releaseIngestFixtures);

function writeRun(name: string, ageDays: number): string {
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

it('on start: old runs and their rows are deleted, recent ones kept; kept files are not ingested again', async () => {
  world = tempWorld();
  const oldFile = writeRun('old', 100);
  writeRun('edge-young', 89);
  writeRun('fresh', 0);
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
  running = await startDaemon(world, { retentionDays: 90 });
  expect(runByKey(world.db, 'old')).toBeUndefined();
});

it('with deleteFilesOnRetention the expired files go too', async () => {
  world = tempWorld();
  const oldFile = writeRun('old', 100);
  const freshFile = writeRun('fresh', 1);
  running = await startDaemon(world, { retentionDays: 90, deleteFilesOnRetention: true });
  expect(existsSync(oldFile)).toBe(false);
  expect(existsSync(freshFile)).toBe(true);
  expect(committedOffset(world.db, 'club/pipe/old.ndjson')).toBeUndefined();
  expect(allRuns(world.db).map((r) => r.runKey)).toEqual(['fresh']);
});
