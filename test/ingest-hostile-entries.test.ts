// Things in the runs directory that are not plain run files: a symlink to a file outside it, a FIFO, a directory
// named like a run file. None is read, none blocks or stops the daemon.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  allRuns,
  append,
  line,
  runByKey,
  runFile,
  startDaemon,
  tempWorld,
  waitFor,
  type TempWorld,
  releaseIngestFixtures,
} from './fixtures/ingest-harness.js';

let world: TempWorld;
afterEach(releaseIngestFixtures);

it('symlinks, FIFOs and directories named *.ndjson are skipped; real run files around them are ingested', async () => {
  world = tempWorld();
  const secret = join(world.dir, 'outside.ndjson');
  writeFileSync(secret, line({ msg: 'secret from outside the runs dir' }));
  const dir = join(world.runsDir, 'club', 'pipe');
  mkdirSync(dir, { recursive: true });
  symlinkSync(secret, join(dir, 'link-at-start.ndjson'));
  execFileSync('mkfifo', [join(dir, 'fifo-at-start.ndjson')]);
  mkdirSync(join(dir, 'dir.ndjson'));
  append(runFile(world, 'club', 'pipe', 'real-1'), line({ msg: 'real one' }));

  await startDaemon(world);
  expect(allRuns(world.db).map((r) => r.runKey)).toEqual(['real-1']);

  // The same kinds of entries appearing while live (these come as watcher hints, not from the scan).
  symlinkSync(secret, join(dir, 'link-live.ndjson'));
  execFileSync('mkfifo', [join(dir, 'fifo-live.ndjson')]);
  append(runFile(world, 'club', 'pipe', 'real-2'), line({ msg: 'real two' }));
  await waitFor('real-2', () => runByKey(world.db, 'real-2')?.logCount === 1);
  expect(
    allRuns(world.db)
      .map((r) => r.runKey)
      .sort(),
  ).toEqual(['real-1', 'real-2']);
  const logs = world.db.$client.prepare<[], { msg: string }>('SELECT msg FROM run_logs').all();
  expect(logs.map((l) => l.msg)).not.toContain('secret from outside the runs dir');
});
