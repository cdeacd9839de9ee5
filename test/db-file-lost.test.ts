// The database file deleted (or replaced) under a running daemon: it must not go on writing to an unlinked inode
// while /api/ready says 200. It exits non-zero with one clear log line, so systemd (Restart=on-failure) starts it
// again on a fresh database. A real `runboard start` child process.
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { judgeDbFile } from '../app/db-file-watch.js';
import { killChildren, spawnRunboard } from './fixtures/live-child-process.js';

const dirs: string[] = [];
afterEach(async () => {
  await killChildren();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(): { dbFile: string; child: ReturnType<typeof spawnRunboard> } {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-db-lost-'));
  dirs.push(dir);
  const dbFile = join(dir, 'db', 'dashboard.sqlite');
  const child = spawnRunboard(['start', '--port', '0', '--runs-dir', join(dir, 'runs'), '--db', dbFile]);
  return { dbFile, child };
}

it('deleted: the daemon exits non-zero and says why', async () => {
  const { dbFile, child } = start();
  await child.waitReady();
  unlinkSync(dbFile);
  const { code } = await child.exited;
  expect(code).not.toBe(0);
  expect(code).not.toBeNull();
  const fatal = child.logLines().find((l) => l.level === 60);
  expect(String(fatal?.msg)).toMatch(/database file .*dashboard\.sqlite was deleted/);
});

it('replaced by another file: the daemon exits non-zero and says why', async () => {
  const { dbFile, child } = start();
  await child.waitReady();
  writeFileSync(`${dbFile}.new`, '');
  renameSync(`${dbFile}.new`, dbFile);
  const { code } = await child.exited;
  expect(code).not.toBe(0);
  expect(code).not.toBeNull();
  const fatal = child.logLines().find((l) => l.level === 60);
  expect(String(fatal?.msg)).toMatch(/database file .*dashboard\.sqlite was replaced/);
});

it('judgeDbFile: same identity is fine; missing or another inode is a one-line reason', () => {
  const opened = { dev: 1, ino: 10 };
  expect(judgeDbFile('/d/db', opened, { dev: 1, ino: 10 })).toBeNull();
  expect(judgeDbFile('/d/db', opened, null)).toMatch(/^the database file \/d\/db was deleted/);
  expect(judgeDbFile('/d/db', opened, { dev: 1, ino: 11 })).toMatch(/replaced .*inode 10 is now 11/);
});
