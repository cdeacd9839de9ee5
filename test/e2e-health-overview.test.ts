// The overview orders pipelines by health and says when each is due, in a real browser against a real
// `runboard start --config FILE` (second-resolution schedule, so late/missed come in seconds).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './support/browser.js';
import { startRunboardProcess, type RunboardProcess } from './support/runboard-process.js';
import { finishedRun, waitFor } from './support/run-writer.js';
import { ensureUiBuilt } from './support/ui-build.js';

const CLUB = 'e2e-health';
let server: RunboardProcess;
let browser: Browser;
let configDir: string;

beforeAll(async () => {
  ensureUiBuilt();
  configDir = mkdtempSync(join(tmpdir(), 'runboard-e2e-config-'));
  const config = join(configDir, 'runboard.yaml');
  writeFileSync(
    config,
    `pipelines:
  - pipeline: silent
    club: ${CLUB}
    schedule: "*/5 * * * * *"
    grace: 2s
  - pipeline: daily
    club: ${CLUB}
    schedule: "0 3 * * *"
    timezone: UTC
`,
  );
  [server, browser] = await Promise.all([startRunboardProcess({ args: ['--config', config] }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('overview health', () => {
  it('lists missed/late and failing pipelines first and says when each is due', async () => {
    await finishedRun(server.runsDir, CLUB, 'aaa-fine', { outcome: 'success' });
    await finishedRun(server.runsDir, CLUB, 'broken', { outcome: 'failure' });

    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/`);
    await page.locator('connection-indicator [data-state="live"]').waitFor();
    const rows = page.locator(`section[data-club="${CLUB}"] pipeline-row .row`);
    const order = async () => Promise.all((await rows.all()).map((row) => row.getAttribute('data-pipeline')));
    const healthOf = (pipeline: string) =>
      page.locator(`pipeline-row .row[data-pipeline="${pipeline}"]`).getAttribute('data-health');

    // The silent one turns late and then missed live, without a reload, and moves to the top.
    await waitFor('silent to be missed', async () => (await healthOf('silent')) === 'missed');
    await waitFor('broken to be failing', async () => (await healthOf('broken')) === 'failing');
    expect(await order()).toEqual(['silent', 'broken', 'aaa-fine', 'daily']);

    const daily = page.locator('pipeline-row .row[data-pipeline="daily"] [data-schedule]');
    expect(await daily.textContent()).toMatch(/^next run in \d+ (s|min|h) \(at 03:00\)$/);
    const silent = page.locator('pipeline-row .row[data-pipeline="silent"]');
    expect(await silent.locator('[data-schedule]').textContent()).toMatch(
      /^missed: last due \d+ s ago \(every 5 seconds\)$/,
    );
    expect(await silent.locator('[data-state]').getAttribute('title')).toMatch(/^no run for the one due at /);
    await screenshot(page, 'overview-health');

    // The pipeline page shows the schedule, its source and the reason.
    await page.goto(`${server.url}/`);
    await page.locator(`pipeline-row .row[data-pipeline="daily"] a`).first().click();
    const section = page.locator('[data-section="health"]');
    await section.waitFor();
    expect(await section.textContent()).toContain('0 3 * * *');
    expect(await section.locator('[data-source]').textContent()).toBe('config');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
