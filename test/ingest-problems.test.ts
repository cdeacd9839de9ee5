// Unreadable run files and directories are not only logged: they are listed by GET /api/ingest/problems, counted in
// /metrics and make /api/ready say degraded (still 200), and they clear once readable again.
// Root reads files whatever their mode, so the daemon runs as `nobody` (as start-refusal.test.ts does): a real
// EACCES from open(2) and readdir(3). Where `nobody` cannot run node from this checkout, the end-to-end case is
// skipped and only the registry is tested.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { IngestProblems, problemKindOf } from '../ingest/ingest-problems.js';
import type { IngestProblemsList, ReadyView } from '../shared/api.js';
import { REPO_ROOT, killChildren, spawnRunboard } from './fixtures/live-child-process.js';

const dirs: string[] = [];
afterEach(async () => {
  await killChildren();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Poll an async check until it gives a value (never a fixed sleep). */
async function waitFor<T>(
  check: () => Promise<T | null | false>,
  what: string,
  { timeoutMs = 20_000 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const line = (msg: string) => `${JSON.stringify({ level: 30, time: Date.now(), msg })}\n`;

it('the registry: reported once per condition, cleared when it ends, counted by kind', () => {
  const problems = new IngestProblems();
  expect(problems.report('c/p/a.ndjson', 'unreadable', 'EACCES', 1)).toBe(true);
  expect(problems.report('c/p/a.ndjson', 'unreadable', 'EACCES again', 2)).toBe(false); // no second log line
  expect(problems.report('c/q', 'unreadable', 'EACCES', 3)).toBe(true);
  expect(problems.report('/db/dashboard.sqlite', 'disk_full', 'SQLITE_FULL', 4)).toBe(true);
  expect(problems.list()).toEqual([
    { path: 'c/p/a.ndjson', kind: 'unreadable', detail: 'EACCES again', since: 1 },
    { path: 'c/q', kind: 'unreadable', detail: 'EACCES', since: 3 },
    { path: '/db/dashboard.sqlite', kind: 'disk_full', detail: 'SQLITE_FULL', since: 4 },
  ]);
  expect(problems.countsByKind()).toEqual({ unreadable: 2, disk_full: 1 });
  expect(problems.clear('c/q')).toBe(true);
  expect(problems.size).toBe(2);
  expect(problemKindOf(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('unreadable');
  expect(problemKindOf(Object.assign(new Error('x'), { code: 'SQLITE_FULL' }))).toBe('disk_full');
  expect(problemKindOf(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('disk_full');
  expect(problemKindOf(new Error('x'))).toBe('io_error');
});

const isRoot = process.getuid?.() === 0;
const nobodyCanRun =
  !isRoot ||
  spawnSync(process.execPath, ['--import', 'tsx', '-e', '0'], { cwd: REPO_ROOT, uid: 65534, gid: 65534 }).status === 0;

it.skipIf(!nobodyCanRun)(
  'an unreadable file and directory: listed, counted, ready degraded; readable again: cleared and ingested',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runboard-problems-'));
    dirs.push(dir);
    chmodSync(dir, 0o755);
    const runs = join(dir, 'runs');
    const dbDir = join(dir, 'db');
    mkdirSync(join(runs, 'c', 'p'), { recursive: true });
    mkdirSync(join(runs, 'c', 'locked'), { recursive: true });
    mkdirSync(dbDir);
    if (isRoot) chownSync(dbDir, 65534, 65534);
    writeFileSync(join(runs, 'c', 'p', 'good.ndjson'), line('good'));
    const lockedFile = join(runs, 'c', 'p', 'secret.ndjson');
    writeFileSync(lockedFile, line('was unreadable'));
    writeFileSync(join(runs, 'c', 'locked', 'inside.ndjson'), line('in a locked dir'));
    chmodSync(lockedFile, 0o000);
    chmodSync(join(runs, 'c', 'locked'), 0o000);

    const asUser = isRoot ? { uid: 65534, gid: 65534 } : {};
    const child = spawnRunboard(['start', '--port', '0', '--runs-dir', runs, '--db', join(dbDir, 'dashboard.sqlite')], {
      ...asUser,
      env: { HOME: '/tmp' },
    });
    const url = await child.waitReady();
    const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${url}${path}`);
      return { status: res.status, body: (await (path === '/metrics' ? res.text() : res.json())) as T };
    };

    const listed = await waitFor(async () => {
      const { body } = await get<IngestProblemsList>('/api/ingest/problems');
      return body.problems.length === 2 ? body.problems : null;
    }, 'both problems listed');
    expect(listed.map((p) => [p.path, p.kind]).sort()).toEqual([
      ['c/locked', 'unreadable'],
      ['c/p/secret.ndjson', 'unreadable'],
    ]);
    for (const problem of listed) expect(problem.detail).toMatch(/EACCES|permission denied/i);

    const ready = await get<ReadyView>('/api/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ ready: true, status: 'degraded', problems: 2 });
    const metrics = await get<string>('/metrics');
    expect(metrics.body).toMatch(/^runboard_ingest_problems\{kind="unreadable"\} 2$/m);

    // Fixed by the operator: the problems clear on the next retry / sweep, and the lines are ingested.
    chmodSync(lockedFile, 0o644);
    chmodSync(join(runs, 'c', 'locked'), 0o755);
    await waitFor(
      async () => (await get<IngestProblemsList>('/api/ingest/problems')).body.problems.length === 0,
      'problems cleared',
      { timeoutMs: 30_000 },
    );
    expect((await get<ReadyView>('/api/ready')).body).toEqual({ ready: true, status: 'ok', problems: 0 });
    await waitFor(
      async () => (await get<{ items: unknown[] }>('/api/runs')).body.items.length === 3,
      'all three runs ingested',
    );
    // Logged once each, not on every retry.
    const logged = child.logLines().filter((l) => l.msg === 'runboard ingest: pass failed');
    expect(logged).toHaveLength(1);
  },
  60_000,
);
