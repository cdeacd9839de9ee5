// usePolling (network filesystems): no inotify at all, yet new directories, new files and appends are ingested.
import { readdirSync, readlinkSync } from 'node:fs';
import { expect } from 'vitest';
import { append, line, runByKey, runFile, startDaemon, waitFor, ingestIt as it } from './fixtures/ingest-harness.js';

function inotifyInstances(): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:inotify';
    } catch {
      return false;
    }
  }).length;
}

it('follows new directories, files and appends without inotify', async ({ world }) => {
  const before = inotifyInstances();
  await startDaemon(world, { usePolling: true, sweepIntervalMs: 500 });
  const file = runFile(world, 'netfs', 'pipe', 'polled');
  append(file, line({ msg: 'one' }));
  await waitFor('new file in a new directory', () => runByKey(world.db, 'polled')?.logCount === 1);
  append(file, line({ msg: 'two' }));
  append(file, line({ msg: 'three' }));
  await waitFor('appends', () => runByKey(world.db, 'polled')?.logCount === 3);
  expect(inotifyInstances()).toBe(before);
});
