// `runboard start` refuses bad configuration before doing anything: one clear line on stderr naming the problem,
// a non-zero exit, never a stack trace. Real child processes.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, killChildren, spawnRunboard } from './fixtures/live-child-process.js';

const dirs: string[] = [];
const servers: Server[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-refusal-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await killChildren();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const dir of dirs.splice(0)) {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs `runboard start` to its exit; returns its single stderr line. */
async function refusal(args: string[], options: Parameters<typeof spawnRunboard>[1] = {}): Promise<string> {
  const started = spawnRunboard(['start', ...args], options);
  const { code } = await started.exited;
  const stderr = started.stderr();
  expect(code, `exit code (stderr: ${stderr})`).not.toBe(0);
  expect(code).not.toBeNull();
  expect(stderr.endsWith('\n')).toBe(true);
  const lines = stderr.trimEnd().split('\n');
  expect(lines, 'exactly one line on stderr').toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(stderr).not.toMatch(/Error:/);
  return lines[0] as string;
}

function dataArgs(dir: string): string[] {
  return ['--port', '0', '--runs-dir', join(dir, 'runs'), '--db', join(dir, 'db', 'dashboard.sqlite')];
}

describe('runboard start refuses to start', () => {
  it('when the port is taken', async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const dir = tempDir();
    const line = await refusal([...dataArgs(dir), '--port', String(address.port)]);
    expect(line).toBe(`runboard start: cannot listen on 127.0.0.1:${address.port}: the port is already in use`);
  });

  it('on a non-loopback address without a token', async () => {
    const dir = tempDir();
    const line = await refusal([...dataArgs(dir), '--host', '0.0.0.0']);
    expect(line).toBe(
      'runboard start: refusing to listen on 0.0.0.0 (not loopback) without a token: set RUNBOARD_TOKEN, or pass --insecure to allow it',
    );
  });

  it('on a malformed value, naming the variable', async () => {
    const dir = tempDir();
    const line = await refusal(dataArgs(dir), { env: { RUNBOARD_STALE_AFTER: 'soon' } });
    expect(line).toBe(
      'runboard start: RUNBOARD_STALE_AFTER: "soon" is not a duration such as 30m, 1h, 90s or 5000 (ms)',
    );
  });

  it('when the database directory is a file or cannot be created', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    const runs = ['--port', '0', '--runs-dir', join(dir, 'runs')];
    expect(await refusal([...runs, '--db', join(dir, 'file', 'db.sqlite')])).toBe(
      `runboard start: the database directory ${join(dir, 'file')} exists but is not a directory`,
    );
    expect(await refusal([...runs, '--db', join(dir, 'file', 'sub', 'db.sqlite')])).toMatch(
      new RegExp(`^runboard start: cannot create the database directory ${join(dir, 'file', 'sub')}: .*ENOTDIR`),
    );
  });

  it('when the database directory cannot exist (under /proc): exit 2 at once, no mkdir loop', async () => {
    const dir = tempDir();
    const started = spawnRunboard([
      'start',
      '--port',
      '0',
      '--runs-dir',
      join(dir, 'runs'),
      '--db',
      '/proc/nope/db.sqlite',
    ]);
    const { code } = await started.exited;
    expect(code, started.stderr()).toBe(2);
    expect(started.stderr()).toMatch(
      /^runboard start: cannot create the database directory \/proc\/nope: .*ENOENT.*\n$/,
    );
  });

  // Root writes anywhere, so as root this runs the daemon as `nobody`, who must be able to run node and read the
  // checkout: not so when it lives under a private directory (e.g. /root), and then the case cannot be shown.
  const isRoot = process.getuid?.() === 0;
  const nobodyCanRun =
    !isRoot ||
    spawnSync(process.execPath, ['--import', 'tsx', '-e', '0'], { cwd: REPO_ROOT, uid: 65534, gid: 65534 }).status ===
      0;
  it.skipIf(!nobodyCanRun)('when the database directory is not writable', async () => {
    const dir = tempDir();
    const dbDir = join(dir, 'db');
    mkdirSync(join(dir, 'runs'));
    mkdirSync(dbDir);
    chmodSync(dir, 0o755);
    chmodSync(dbDir, 0o555);
    // Run the daemon as an unprivileged user, as it would be in production.
    const asUser = isRoot ? { uid: 65534, gid: 65534 } : {};
    const line = await refusal(dataArgs(dir), { ...asUser, env: { HOME: '/tmp' } });
    expect(line).toBe(`runboard start: the database directory ${dbDir} is not writable by this user`);
  });

  it('when another instance holds the database', async () => {
    const dir = tempDir();
    const first = spawnRunboard(['start', ...dataArgs(dir)]);
    await first.waitReady();
    const line = await refusal(dataArgs(dir));
    expect(line).toMatch(
      new RegExp(`^runboard start: another ingest daemon is already running on ${join(dir, 'db', 'dashboard.sqlite')}`),
    );
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });
});
