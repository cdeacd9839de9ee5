// Accessibility: axe-core over every route, light and dark, in a real browser against a real
// `runboard start`. Zero violations is the bar (issue 10).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe as group, expect, it } from 'vitest';
import type { AlertView } from '../shared/alerts.js';
import type { Page as ApiPage, RunView } from '../shared/api.js';
import { axeViolations, type AxeViolation } from './e2e/axe.js';
import { launchBrowser, openPage } from './support/browser.js';
import { startRunboardProcess, type RunboardProcess } from './support/runboard-process.js';
import { beginRun, finishedRun, waitFor } from './support/run-writer.js';
import { ensureUiBuilt } from './support/ui-build.js';
import { HOOK_PATH, startAlertReceiver, type AlertReceiver } from './fixtures/alert-receiver.js';

let server: RunboardProcess;
let browser: Browser;
/** Alert channels for the Alerts page: one that accepts, one that refuses (shown failing). */
let receivers: AlertReceiver[] = [];
/** Path and the element that says the page has loaded its data. */
let routes: Array<[string, string]> = [];
let configDir: string | undefined;

async function latestRun(pipeline: string): Promise<RunView> {
  return waitFor(`a finished run of ${pipeline}`, async () => {
    const response = await fetch(`${server.url}/api/runs?pipeline=${pipeline}&limit=1`);
    const run = ((await response.json()) as ApiPage<RunView>).items[0];
    return run && run.status !== 'running' ? run : undefined;
  });
}

/** One line per violation: rule, where, and axe's reason (figures included), so a failure reads at a glance. */
function describe(violation: AxeViolation): string {
  const reason = violation.summary.split('\n').slice(1).join(' ').replace(/\s+/g, ' ').trim();
  return `${violation.id}: ${violation.targets.join(' ; ')}: ${reason}`;
}

beforeAll(async () => {
  ensureUiBuilt();
  receivers = await Promise.all([
    startAlertReceiver({ path: HOOK_PATH }),
    startAlertReceiver({ status: 500, path: HOOK_PATH }),
  ]);
  // A schedule for one pipeline, so its page shows the expected and actual starts and the health history too.
  configDir = mkdtempSync(join(tmpdir(), 'runboard-a11y-config-'));
  const config = join(configDir, 'runboard.yaml');
  writeFileSync(
    config,
    `alerts:
  channels:
    - { name: ok-hook, type: webhook, url: "${receivers[0]!.url}" }
    - { name: refusing-hook, type: webhook, url: "${receivers[1]!.url}" }
  rules:
    - { channels: [ok-hook, refusing-hook], on: [failed] }
` + 'pipelines:\n  - { pipeline: members, club: a11y, schedule: "*/5 * * * * *", timezone: UTC, grace: 2s }\n',
  );
  [server, browser] = await Promise.all([startRunboardProcess({ args: ['--config', config] }), launchBrowser()]);
  const errors = [{ identifier: 'member-17', system: 'crm', message: 'HTTP 429 from crm: rate limited' }];
  await finishedRun(server.runsDir, 'a11y', 'members');
  await finishedRun(server.runsDir, 'a11y', 'members', { errors });
  await finishedRun(server.runsDir, 'a11y', 'members', { errors });
  await finishedRun(server.runsDir, 'a11y', 'fees', { outcome: 'failure' });
  const live = beginRun(server.runsDir, 'a11y', 'live-sync');
  live.log.info('still running');
  const run = await latestRun('members');
  const lines = (await (await fetch(`${server.url}/api/runs/${run.id}/logs`)).json()) as {
    lines: Array<{ offset: number }>;
  };
  // The failed `fees` run's alert, tried on both channels, before the Alerts page is checked.
  await waitFor('the failed alert tried on both channels', async () => {
    const alerts = (await (await fetch(`${server.url}/api/alerts`)).json()) as ApiPage<AlertView>;
    return alerts.items[0]?.deliveries.every((d) => d.attempts > 0);
  });
  routes = [
    ['/', 'pipeline-row'],
    ['/?club=a11y', 'pipeline-row'],
    ['/pipelines/a11y/members', 'pipeline-page tr[data-run-id]'],
    ['/pipelines/a11y/members?status=unstable', 'pipeline-page tr[data-run-id]'],
    ['/pipelines/a11y/members', 'schedule-history tr[data-timing]'],
    [`/runs/${run.id}`, 'log-viewer a.row'],
    [`/runs/${run.id}?line=${lines.lines[1]!.offset}`, 'log-viewer section.detail'],
    ['/errors', 'error-group-card'],
    ['/errors?club=a11y', 'errors-page tr[data-identifier]'],
    ['/errors?identifier=member-17', 'errors-page tr[data-error-id]'],
    ['/alerts', 'alerts-page tr[data-alert-id]'],
    ['/no/such/page', 'runboard-app h1'],
  ];
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await Promise.all(receivers.map((r) => r.close()));
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

group('accessibility', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const width of [1440, 360]) {
      it(`has no axe violations on any route (${colorScheme}, ${width} px)`, async () => {
        const { page, problems } = await openPage(browser, { colorScheme, width, height: 900 });
        const found: Record<string, string[]> = {};
        for (const [path, ready] of routes) {
          await page.goto(server.url + path);
          await page.locator(ready).first().waitFor();
          await page.locator('connection-indicator [data-state="live"]').waitFor();
          const violations = await axeViolations(page);
          if (violations.length > 0) found[path] = violations.map(describe);
        }
        expect(found).toEqual({});
        expect(problems).toEqual([]);
        await page.context().close();
      }, 120_000);
    }
  }
});
