// The pipeline page shows expected against actual start times and the health history, in a real browser against a
// real `runboard start --config FILE` with a second-resolution schedule (`*/5 * * * * *`, grace 2 s): an on-time
// run, a late run and a missed occurrence, then a health change that arrives live, without a reload.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './e2e/axe.js';
import { launchBrowser, openPage, screenshot } from './support/browser.js';
import { startRunboardProcess, type RunboardProcess } from './support/runboard-process.js';
import { beginRun, waitFor } from './support/run-writer.js';
import { ensureUiBuilt } from './support/ui-build.js';

const CLUB = 'e2e-schedule';
let server: RunboardProcess;
let browser: Browser;
let configDir: string;

beforeAll(async () => {
  ensureUiBuilt();
  configDir = mkdtempSync(join(tmpdir(), 'runboard-e2e-schedule-'));
  const config = join(configDir, 'runboard.yaml');
  writeFileSync(
    config,
    `pipelines:\n  - pipeline: beat\n    club: ${CLUB}\n    schedule: "*/5 * * * * *"\n    timezone: UTC\n    grace: 2s\n`,
  );
  [server, browser] = await Promise.all([startRunboardProcess({ args: ['--config', config] }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

/** A finished run whose lines say it started at `startedAt` (a pipeline's own clock; here placed around due times). */
function runStartedAt(name: string, startedAt: number): void {
  const dir = join(server.runsDir, CLUB, 'beat');
  mkdirSync(dir, { recursive: true });
  const lines = [
    { level: 30, time: startedAt, event: 'run.start', trigger: 'cron', msg: 'run started' },
    { level: 30, time: startedAt + 150, event: 'run.end', outcome: 'success', msg: 'run ended' },
  ];
  writeFileSync(join(dir, `${name}.ndjson`), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
}

describe('pipeline page: schedule and health history', () => {
  it('shows an on-time run, a late run and a missed occurrence, and a health change live', async () => {
    const due = Math.floor((Date.now() - 30_000) / 5000) * 5000;
    runStartedAt('on-time', due + 300);
    runStartedAt('late', due + 5000 + 3500);
    // due + 10 s: no run, and the next came due: missed. The pipeline is missed now too.
    await waitFor('the pipeline to be missed', async () => {
      const list = (await (await fetch(`${server.url}/api/pipelines?club=${CLUB}`)).json()) as Array<{
        pipeline: string;
        health: { state: string } | null;
      }>;
      return list.find((p) => p.pipeline === 'beat')?.health?.state === 'missed';
    });

    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/pipelines/${CLUB}/beat`);
    await page.locator('connection-indicator [data-state="live"]').waitFor();
    const row = (offset: number) => page.locator(`schedule-history tr[data-due="${due + offset}"]`);
    await row(0).waitFor();
    expect(await row(0).getAttribute('data-timing')).toBe('on-time');
    expect(await row(0).locator('.delay').textContent()).toBe('300 ms after due');
    expect(await row(0).locator('.timing').textContent()).toBe('on time');
    expect(await row(5000).getAttribute('data-timing')).toBe('late');
    expect(await row(5000).locator('.delay').textContent()).toBe('3.5 s after due');
    expect(await row(10_000).getAttribute('data-timing')).toBe('missed');
    expect(await row(10_000).textContent()).toContain('no run');
    expect(await page.locator('schedule-history [data-schedule-summary]').textContent()).toBe(
      'Every 5 seconds (*/5 * * * * *, UTC), grace 2.0 s, from config',
    );
    // The history says how it got here: judged ok at start, then late and missed once the runs stopped.
    const missed = page.locator('health-history li[data-to="missed"]').first();
    await missed.waitFor();
    expect(await missed.locator('.reason').textContent()).toMatch(/^no run for the one due at /);
    await screenshot(page, 'pipeline-schedule-history');
    expect(await axeViolations(page)).toEqual([]);

    // A run now: the history gains missed → running → ok live, and the run answers an occurrence.
    const run = beginRun(server.runsDir, CLUB, 'beat', 'cron');
    await page.locator('health-history li[data-from="missed"][data-to="running"]').waitFor();
    await run.end({ outcome: 'success' });
    const recovered = page.locator('health-history li[data-from="running"][data-to="ok"]');
    await recovered.waitFor();
    expect(await recovered.locator('.change').textContent()).toBe('running → ok');
    await page.locator(`schedule-history tr a[href="/runs/${await newestRunId()}"]`).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});

async function newestRunId(): Promise<number> {
  const page = (await (await fetch(`${server.url}/api/runs?club=${CLUB}&limit=1`)).json()) as {
    items: Array<{ id: number }>;
  };
  return page.items[0]!.id;
}
