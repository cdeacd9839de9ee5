// One daemon per dashboard.sqlite: a second one refuses to start with a clear message; a killed one leaves no
// stale lock behind.
import { linkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { InstanceLockedError } from '../ingest/errors.js';
import { acquireInstanceLock } from '../ingest/instance-lock.js';
import { releaseIngestFixtures, tempWorld, type TempWorld } from './fixtures/ingest-harness.js';
import { killChild, spawnFixture, type Child } from './fixtures/ingest-spawn.js';

let world: TempWorld;
const children: Child[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) await killChild(child);
  await releaseIngestFixtures();
});

it('in one process: the second acquire throws a one-line message; after release it can be taken again', () => {
  world = tempWorld();
  const lock = acquireInstanceLock(world.dbFile);
  expect(() => acquireInstanceLock(world.dbFile)).toThrow(
    /another ingest daemon is already running on .*dashboard\.sqlite/,
  );
  try {
    acquireInstanceLock(world.dbFile);
  } catch (error) {
    // Told apart by class and code, not by its text (app/main.ts prints the message as it is).
    expect(error).toBeInstanceOf(InstanceLockedError);
    expect((error as InstanceLockedError).code).toBe('RB_ERR_INSTANCE_LOCKED');
    expect((error as Error).message).not.toMatch(/^runboard:/);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).toContain(`pid ${process.pid}`);
  }
  lock.release();
  acquireInstanceLock(world.dbFile).release();
});

it('a first start, whose data directory does not exist yet, gets the lock', () => {
  world = tempWorld();
  const lock = acquireInstanceLock(join(world.dir, 'not', 'yet', 'dashboard.sqlite'));
  lock.release();
});

it('across processes: a second daemon exits with the message; kill -9 of the first frees the lock', async () => {
  world = tempWorld();
  const env = { RUNBOARD_RUNS_DIR: world.runsDir, RUNBOARD_DB: world.dbFile };
  const first = spawnFixture('ingest-child.ts', [], env);
  children.push(first);
  await first.waitFor('ready');

  const second = spawnFixture('ingest-child.ts', [], env);
  children.push(second);
  const { code } = await second.exited;
  expect(code).toBe(3);
  expect(second.stderr).toMatch(/another ingest daemon is already running on .*dashboard\.sqlite \(held by pid \d+/);
  expect(() => acquireInstanceLock(world.dbFile)).toThrow(/another ingest daemon/);

  await killChild(first, 'SIGKILL');
  // The kernel dropped the dead process's lock: no stale-lock cleanup needed.
  const lock = acquireInstanceLock(world.dbFile);
  lock.release();
});

it('a hard link of the database (the same file under another name) is refused too', () => {
  world = tempWorld();
  const lock = acquireInstanceLock(world.dbFile);
  const sameDir = join(world.dir, 'alias.sqlite');
  linkSync(world.dbFile, sameDir);
  expect(() => acquireInstanceLock(sameDir)).toThrow(/another ingest daemon is already running on .*alias\.sqlite/);
  lock.release();
  // Released: the link can be used now (and while it is, the original name is refused).
  const viaLink = acquireInstanceLock(sameDir);
  expect(() => acquireInstanceLock(world.dbFile)).toThrow(/another ingest daemon/);
  viaLink.release();
});

it('a first start (no database yet) holds the lock on the file it creates: a later hard link is refused', () => {
  world = tempWorld();
  const dbFile = join(world.dir, 'fresh', 'dashboard.sqlite');
  const lock = acquireInstanceLock(dbFile);
  const alias = join(world.dir, 'fresh', 'alias.sqlite');
  linkSync(dbFile, alias);
  expect(() => acquireInstanceLock(alias)).toThrow(/another ingest daemon/);
  lock.release();
});
