// Things in the runs directory that are not plain run files: a symlink to a file outside it, a FIFO, a directory
// named like a run file. None is read, none blocks or stops the daemon.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  allRuns,
  append,
  line,
  runByKey,
  runFile,
  startDaemon,
  waitFor,
  rejects,
  ingestIt as it,
  type TempWorld,
} from './fixtures/ingest-harness.js';

it('symlinks, FIFOs and directories named *.ndjson are skipped; real run files around them are ingested', async ({
  world,
}) => {
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

it('a pipeline directory replaced by a symlink to another directory: nothing there is read, live or after a restart', async ({
  world,
}) => {
  const outside = join(world.dir, 'outside');
  mkdirSync(outside);
  // Same name as the run already ingested, and a new one: neither may be read through the link.
  writeFileSync(join(outside, 'run-1.ndjson'), 'DB_PASSWORD=hunter2-same-name\n' + line({ msg: 'outside same name' }));
  writeFileSync(join(outside, 'new.ndjson'), 'DB_PASSWORD=hunter2-new-file\n' + line({ msg: 'outside new file' }));
  const first = runFile(world, 'club', 'pipe', 'run-1');
  append(first, line({ msg: 'inside one' }));
  const running = await startDaemon(world);
  expect(runByKey(world.db, 'run-1')?.logCount).toBe(1);

  const pipeDir = join(world.runsDir, 'club', 'pipe');
  renameSync(pipeDir, join(world.dir, 'moved-away'));
  symlinkSync(outside, pipeDir);
  // The daemon finds the known path leading elsewhere at its next look (sweep): it says so in its log.
  const refusedLine = (logs: string[]) => logs.find((l) => l.includes('outside the runs directory'));
  const secretRead = () => rejects(world.db).some((r) => r.excerpt?.includes('DB_PASSWORD'));
  await waitFor('the refusal (or the secret read)', () => refusedLine(running.logs) ?? secretRead());
  append(runFile(world, 'club', 'other', 'run-2'), line({ msg: 'inside two' }));
  await waitFor('run-2', () => runByKey(world.db, 'run-2')?.logCount === 1);
  expectNothingFromOutside(world);
  expect(runByKey(world.db, 'run-1')?.logCount).toBe(1); // its rows are kept

  // At start-up (the known file path now leads through the link).
  await running.daemon.stop();
  const again = await startDaemon(world);
  append(runFile(world, 'club', 'other', 'run-3'), line({ msg: 'inside three' }));
  await waitFor('run-3', () => runByKey(world.db, 'run-3')?.logCount === 1);
  expectNothingFromOutside(world);
  expect(again.logs.filter((l) => l.includes('outside the runs directory')).length).toBeLessThanOrEqual(1);
  expect(
    allRuns(world.db)
      .map((r) => r.runKey)
      .sort(),
  ).toEqual(['run-1', 'run-2', 'run-3']);
});

function expectNothingFromOutside(world: TempWorld): void {
  for (const reject of rejects(world.db)) expect(reject.excerpt ?? '').not.toContain('DB_PASSWORD');
  const logs = world.db.$client.prepare<[], { msg: string | null }>('SELECT msg FROM run_logs').all();
  expect(logs.map((l) => l.msg).filter((m) => m?.startsWith('outside'))).toEqual([]);
  expect(allRuns(world.db).map((r) => r.runKey)).not.toContain('new');
}
