// The Alerts page in Chromium against a real `runboard start` and two real local receivers, one accepting and one
// refusing with a hostile reason phrase: the refusing channel is shown first as failing with its error (as text),
// the test button shows each channel's answer, the history links the pipeline and shows each delivery, and the page
// fits 360 px without sideways scrolling.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AlertView } from '../shared/alerts.js';
import type { Page as ApiPage } from '../shared/api.js';
import { launchBrowser, openPage, screenshot } from './support/browser.js';
import { COUNT_IMAGES, PWNED } from './support/page-scripts.js';
import { startRunboardProcess, type RunboardProcess } from './support/runboard-process.js';
import { finishedRun, waitFor } from './support/run-writer.js';
import { ensureUiBuilt } from './support/ui-build.js';
import { HOOK_PATH, startAlertReceiver, type AlertReceiver } from './fixtures/alert-receiver.js';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
let dir: string;
let server: RunboardProcess;
let browser: Browser;
let good: AlertReceiver;
let bad: AlertReceiver;

beforeAll(async () => {
  ensureUiBuilt();
  dir = mkdtempSync(join(tmpdir(), 'runboard-e2e-alerts-'));
  [good, bad] = await Promise.all([
    startAlertReceiver({ path: HOOK_PATH }),
    startAlertReceiver({ status: 500, statusMessage: `refused ${HOSTILE}`, path: HOOK_PATH }),
  ]);
  const config = join(dir, 'runboard.yaml');
  writeFileSync(
    config,
    `alerts:
  channels:
    - { name: good-hook, type: webhook, url: "${good.url}" }
    - { name: bad-hook, type: webhook, url: "${bad.url}" }
  rules:
    - { channels: [good-hook, bad-hook], on: [failed, recovered] }
`,
  );
  [server, browser] = await Promise.all([startRunboardProcess({ args: ['--config', config] }), launchBrowser()]);
  await finishedRun(server.runsDir, 'e2e', 'members', { outcome: 'failure' });
  await waitFor(
    'the failed alert delivered to good-hook and refused by bad-hook',
    async () => {
      const page = (await (await fetch(`${server.url}/api/alerts`)).json()) as ApiPage<AlertView>;
      const statuses = page.items[0]?.deliveries.map((d) => `${d.channel}:${d.status}`).sort();
      return statuses?.join(' ') === 'bad-hook:failing good-hook:delivered';
    },
    30_000,
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await Promise.all([good?.close(), bad?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('shows the failing channel first with its error as text, and each test button’s answer', async () => {
  const { page, problems } = await openPage(browser, { width: 1440, height: 900 });
  await page.goto(`${server.url}/alerts`);
  const failing = page.locator('alert-channel-card [data-channel="bad-hook"]');
  await failing.waitFor();
  expect(await failing.getAttribute('data-health')).toBe('failing');
  expect(await failing.innerText()).toContain(`HTTP 500 refused ${HOSTILE}`);
  expect(await page.locator('alert-channel-card').first().locator('[data-channel]').getAttribute('data-channel')).toBe(
    'bad-hook',
  );
  expect(await page.locator('alerts-page [role="alert"]').first().innerText()).toContain('1 channel is failing');
  expect(await page.locator('alert-channel-card [data-channel="good-hook"]').getAttribute('data-health')).toBe('ok');

  // The history: the alert, its pipeline link, and each channel's delivery.
  const row = page.locator('alerts-page tr[data-alert-id]').first();
  await row.waitFor();
  expect(await row.locator('a[href="/pipelines/e2e/members"]').count()).toBe(1);
  expect(await row.locator('[data-delivery="good-hook"]').getAttribute('data-status')).toBe('delivered');
  expect(await row.locator('[data-delivery="bad-hook"]').getAttribute('data-status')).toBe('failing');

  // Test buttons: the good channel delivers (and its receiver gets a `test`), the bad one shows its error.
  const before = good.received.length;
  await page.locator('alert-channel-card [data-channel="good-hook"] button').click();
  await page.locator('alert-channel-card [data-channel="good-hook"] [data-test-result="delivered"]').waitFor();
  expect(
    good
      .bodies()
      .slice(before)
      .map((b) => b.kind),
  ).toEqual(['test']);
  await page.locator('alert-channel-card [data-channel="bad-hook"] button').click();
  const failed = page.locator('alert-channel-card [data-channel="bad-hook"] [data-test-result="failed"]');
  await failed.waitFor();
  expect(await failed.innerText()).toContain(`HTTP 500 refused ${HOSTILE}`);

  // A new alert shows up without a reload (a health change on the live socket, or the poll, makes the page look again).
  await finishedRun(server.runsDir, 'e2e', 'fees', { outcome: 'failure' });
  await page.locator('alerts-page tr[data-alert-id] a[href="/pipelines/e2e/fees"]').waitFor({ timeout: 20_000 });
  expect(await page.locator('alerts-page tr[data-alert-id]').count()).toBe(2);

  // Hostile text stayed text.
  expect(await page.evaluate<unknown>(PWNED)).toBeUndefined();
  expect(await page.evaluate<number>(COUNT_IMAGES)).toBe(0);
  await screenshot(page, 'alerts-1440');
  expect(problems).toEqual([]);
  await page.context().close();
}, 60_000);

it('fits a 360 px screen: the failing channel and its test button without sideways scrolling', async () => {
  const { page, problems } = await openPage(browser, { width: 360, height: 800 });
  await page.goto(`${server.url}/alerts`);
  await page.locator('alert-channel-card [data-channel="bad-hook"]').waitFor();
  await page.locator('alerts-page tr[data-alert-id]').first().waitFor();
  const overflow = await page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
  expect(overflow).toBe(0);
  const button = page.locator('alert-channel-card [data-channel="bad-hook"] button');
  expect(await button.isVisible()).toBe(true);
  const box = await button.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 360).toBe(true);
  await screenshot(page, 'alerts-360');
  expect(problems).toEqual([]);
  await page.context().close();
}, 60_000);
