// A pipeline's histories over the REST API, against a real `runboard start` with a second-resolution schedule:
// expected against actual start times (on time, late, early, missed) from run files whose starts are placed around
// the due times, and its health changes in keyset pages. Real daemon, real run files, real HTTP.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from '../shared/api.js';
import type { HealthHistoryEntry, ScheduleHistoryView } from '../shared/health.js';
import { startRun } from '../shared/run-logger.js';
import { killChildren, spawnRunboard } from './fixtures/live-child-process.js';

const dirs: string[] = [];
afterEach(async () => {
  await killChildren();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setUp(): { runsDir: string; args: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-history-'));
  dirs.push(dir);
  const file = join(dir, 'runboard.yaml');
  writeFileSync(file, 'pipelines:\n  - pipeline: beat\n    club: acme\n    schedule: "*/5 * * * * *"\n    grace: 2s\n');
  const runsDir = join(dir, 'runs');
  const args = ['start', '--port', '0', '--runs-dir', runsDir, '--db', join(dir, 'db', 'dashboard.sqlite')];
  return { runsDir, args: [...args, '--config', file] };
}

/** A finished run whose lines carry `startedAt` (as a pipeline whose clock said so would write them). */
function writeRunAt(runsDir: string, pipeline: string, name: string, startedAt: number): void {
  const dir = join(runsDir, 'acme', pipeline);
  mkdirSync(dir, { recursive: true });
  const lines = [
    { level: 30, time: startedAt, event: 'run.start', trigger: 'cron', msg: 'run started' },
    { level: 30, time: startedAt + 200, event: 'run.end', outcome: 'success', msg: 'run ended' },
  ];
  writeFileSync(join(dir, `${name}.ndjson`), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

async function until<T>(ask: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await ask();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('pipeline histories over REST', () => {
  it('schedule-history pairs each occurrence with its run: on time, late, early, and missed', async () => {
    const { runsDir, args } = setUp();
    // Four occurrences, 5 s apart, well inside the 20 shown.
    const due = Math.floor((Date.now() - 40_000) / 5000) * 5000;
    writeRunAt(runsDir, 'beat', 'on-time', due + 300);
    writeRunAt(runsDir, 'beat', 'late', due + 5000 + 3500); // grace is 2 s
    // due + 10 s: no run, and due + 15 s came: missed.
    writeRunAt(runsDir, 'beat', 'early', due + 15_000 - 400);
    writeRunAt(runsDir, 'beat', 'unscheduled', due + 15_000 + 1000);
    writeRunAt(runsDir, 'other', 'one', due);
    const child = spawnRunboard(args);
    const url = await child.waitReady();

    const { status, body } = await getJson<ScheduleHistoryView>(`${url}/api/pipelines/acme/beat/schedule-history`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      club: 'acme',
      pipeline: 'beat',
      schedule: '*/5 * * * * *',
      scheduleText: 'Every 5 seconds',
      scheduleSource: 'config',
      graceMs: 2000,
    });
    // The first run's start: runboard was watching only since it started.
    expect(body.expectedSince).toBe(due + 300);
    const byDue = (offset: number) => body.starts.find((s) => s.dueAt === due + offset);
    expect(byDue(0)).toMatchObject({ timing: 'on-time', delayMs: 300 });
    expect(byDue(5000)).toMatchObject({ timing: 'late', delayMs: 3500 });
    expect(byDue(10_000)).toEqual({
      dueAt: due + 10_000,
      timing: 'missed',
      runId: null,
      startedAt: null,
      delayMs: null,
    });
    expect(byDue(15_000)).toMatchObject({ timing: 'on-time', delayMs: -400 });
    expect(body.starts.filter((s) => s.timing === 'extra')).toEqual([
      expect.objectContaining({ dueAt: null, startedAt: due + 16_000 }),
    ]);
    // Nothing before the first run was expected: no "missed" older than it.
    expect(body.starts.every((s) => s.dueAt === null || s.dueAt >= due)).toBe(true);
    // Newest first.
    const instants = body.starts.map((s) => s.dueAt ?? s.startedAt ?? 0);
    expect(instants).toEqual([...instants].sort((a, b) => b - a));

    // A pipeline without a schedule has nothing to compare against; one health doesn't know is 404.
    const other = await getJson<ScheduleHistoryView>(`${url}/api/pipelines/acme/other/schedule-history`);
    expect(other).toMatchObject({ status: 200, body: { schedule: null, starts: [] } });
    const unknown = await getJson<{ statusCode: number }>(`${url}/api/pipelines/acme/nope/schedule-history`);
    expect(unknown.status).toBe(404);
  });

  it('health-history lists each state change, newest first, in keyset pages', async () => {
    const { runsDir, args } = setUp();
    const child = spawnRunboard(args);
    const url = await child.waitReady();
    const history = (query = '') =>
      getJson<Page<HealthHistoryEntry>>(`${url}/api/pipelines/acme/beat/health-history${query}`);

    // No run ever: ok at first, late after due + grace, then missed.
    await until(
      history,
      (page) => page.body.items.some((entry) => entry.to === 'missed'),
      'missed in the health history',
    );
    const run = startRun({ pipeline: 'beat', club: 'acme', runsDir, handleProcessEnd: false });
    await until(history, (page) => page.body.items.some((entry) => entry.to === 'running'), 'running');
    await run.end();
    const { body } = await until(history, (page) => page.body.items[0]?.to === 'ok', 'ok after the run');

    const changes = [...body.items].reverse().map((entry) => `${entry.from ?? '∅'}→${entry.to}`);
    expect(changes).toEqual(['∅→ok', 'ok→late', 'late→missed', 'missed→running', 'running→ok']);
    const late = body.items.find((entry) => entry.to === 'late');
    expect(late?.reason).toMatch(/^due at .* \(grace 2 s\); no run recorded yet$/);
    // `since` is when the state began (due + grace), which is no later than when it was noticed.
    expect(late!.since).toBeLessThanOrEqual(late!.at);
    expect(body.items.every((entry) => entry.club === 'acme' && entry.pipeline === 'beat')).toBe(true);

    // Paging one at a time walks the same entries.
    const paged: HealthHistoryEntry[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Page<HealthHistoryEntry> } = await history(
        `?limit=1${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(paged.slice(-body.items.length).map((e) => e.id)).toEqual(body.items.map((e) => e.id));

    expect((await history('?cursor=notacursor')).status).toBe(400);
    expect((await getJson<Page<HealthHistoryEntry>>(`${url}/api/pipelines/acme/nope/health-history`)).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});
