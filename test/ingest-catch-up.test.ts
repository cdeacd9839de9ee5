// Startup catch-up: runs that happened while the daemon was down are all there, complete, when start() resolves.
import { expect } from 'vitest';
import pino from 'pino';
import {
  allRuns,
  committedOffset,
  line,
  append,
  runByKey,
  runFile,
  startDaemon,
  ingestIt as it,
} from './fixtures/ingest-harness.js';
import { createIngestDaemon } from '../ingest/daemon.js';
import { statSync } from 'node:fs';

/** A complete run written by real pino, as a pipeline would. */
function writeRun(file: string, index: number): void {
  const destination = pino.destination({ dest: file, sync: true, mkdir: true });
  const log = pino({ base: { pid: process.pid, hostname: 'elsewhere' } }, destination);
  log.info({ event: 'run.start', trigger: 'cron' }, 'run started');
  for (const step of ['download', 'submit']) {
    log.info({ event: 'step.start', step });
    for (let i = 0; i < 5; i++) log.info({ step, i }, `working on ${step}`);
    if (step === 'submit' && index % 5 === 0) {
      log.error({ event: 'error', step, identifier: `M${index}`, system: 'laposta', err: { message: 'HTTP 500' } });
    }
    log.info({ event: 'step.end', step, outcome: 'success', counts: { created: index, updated: 1 } });
  }
  log.info({ event: 'run.end', outcome: 'success', stats: { index } });
  destination.flushSync();
  destination.destroy();
}

it('50 runs written while the daemon was down are complete when start() resolves', async ({ world }) => {
  const live = runFile(world, 'rondo', 'people', 'before-downtime');
  append(live, line({ msg: 'seen before the downtime' }));
  const running = await startDaemon(world);
  expect(runByKey(world.db, 'before-downtime')!.logCount).toBe(1);
  await running.daemon.stop();

  // Downtime: 50 runs across clubs and pipelines, and more lines for a run already known.
  for (let i = 0; i < 50; i++) {
    writeRun(runFile(world, `club${i % 3}`, `pipeline${i % 4}`, `run-${String(i).padStart(2, '0')}`), i);
  }
  append(live, line({ msg: 'written during the downtime' }));

  const daemon = createIngestDaemon({ runsDir: world.runsDir, db: world.db, logger: pino({ level: 'silent' }) });
  expect(daemon.ready).toBe(false);
  await daemon.start();
  expect(daemon.ready).toBe(true);

  const runs = allRuns(world.db).filter((r) => r.runKey.startsWith('run-'));
  expect(runs).toHaveLength(50);
  for (const run of runs) {
    const index = Number(run.runKey.slice(4));
    expect(run.status).toBe('success');
    expect(run.trigger).toBe('cron');
    expect(run.logCount).toBe(1 + 2 * 7 + (index % 5 === 0 ? 1 : 0) + 1);
    expect(run.created).toBe(2 * index);
    expect(run.updated).toBe(2);
    expect(run.errorCount).toBe(index % 5 === 0 ? 1 : 0);
    expect(JSON.parse(run.summary!)).toEqual({ index });
    expect(run.clubSlug).toBe(`club${index % 3}`);
    const path = `club${index % 3}/pipeline${index % 4}/${run.runKey}.ndjson`;
    expect(committedOffset(world.db, path)).toBe(statSync(`${world.runsDir}/${path}`).size);
  }
  expect(runByKey(world.db, 'before-downtime')!.logCount).toBe(2);
  await daemon.stop();
});
