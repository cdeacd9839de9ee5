// 10,000 run files: all ingested on start, with open fds bounded by maxOpenFiles and inotify watches by the number
// of directories (never one per file); live appends are still followed afterwards.
import { readdirSync, readFileSync, readlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { append, countRows, line, runByKey, startDaemon, waitFor, ingestIt as it } from './fixtures/ingest-harness.js';

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

function inotifyWatches(): number {
  let watches = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed since the listing
    }
    if (target !== 'anon_inode:inotify') continue;
    watches += readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('inotify wd:')).length;
  }
  return watches;
}

it('10,000 files: all ingested, fds and watches bounded, live appends followed', async ({ world }) => {
  const FILES = 10_000;
  const DIRS = 100;
  const paths: string[] = [];
  for (let d = 0; d < DIRS; d++) {
    const dir = join(world.runsDir, `club${d % 10}`, `pipeline${Math.floor(d / 10)}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES / DIRS; f++) {
      const path = join(dir, `run-${d}-${f}.ndjson`);
      const ended = f % 10 !== 0; // one in ten still "running"
      writeFileSync(
        path,
        line({ event: 'run.start' }) +
          line({ msg: 'work' }) +
          (ended ? line({ event: 'run.end', outcome: 'success' }) : ''),
      );
      paths.push(path);
    }
  }
  const fdsBefore = openFds();
  const maxOpenFiles = 64;
  const startedAt = Date.now();
  await startDaemon(world, { maxOpenFiles, sweepIntervalMs: 60_000 });
  console.log(`catch-up of ${FILES} files: ${Date.now() - startedAt} ms`);

  expect(countRows(world.db, 'runs')).toBe(FILES);
  expect(countRows(world.db, 'run_logs')).toBe(FILES * 3 - FILES / 10);
  expect(countRows(world.db, 'ingest_files')).toBe(FILES);
  const fdsAfter = openFds();
  console.log(`fds before ${fdsBefore}, after ${fdsAfter}; inotify watches ${inotifyWatches()}`);
  expect(fdsAfter - fdsBefore).toBeLessThanOrEqual(maxOpenFiles + 16);
  // One watch per directory (100 pipelines + 10 clubs + the root), not one per file.
  expect(inotifyWatches()).toBeLessThanOrEqual(DIRS + 10 + 1 + 5);

  for (let i = 0; i < 20; i++) append(paths[i * 499]!, line({ msg: 'live' }));
  await waitFor('live appends', () => countRows(world.db, 'run_logs', `msg = 'live'`) === 20);
  expect(runByKey(world.db, 'run-0-0')!.logCount).toBe(3);
  expect(openFds() - fdsBefore).toBeLessThanOrEqual(maxOpenFiles + 16);
}, 120_000);
