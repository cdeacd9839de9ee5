// `npm run screenshots`: every route at 360 px and 1440 px, light and dark, into test-output/screenshots/all/
// (ignored by git and by the tests), so a reviewer sees the whole UI in one folder. A real `runboard start`
// on a temp directory, fed by real run files: finished runs (clean, with failed records, failed), errors that
// repeat run after run, and a run still going; alert rules with one channel that delivers (a local receiver) and one
// that fails (a closed port), so the Alerts page shows both and its history.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page as ApiPage, RunView } from '../../shared/api.js';
import { startAlertReceiver } from '../fixtures/alert-receiver.js';
import { launchBrowser, openPage, screenshotDir } from '../support/browser.js';
import { startRunboardProcess } from '../support/runboard-process.js';
import { beginRun, finishedRun, waitFor } from '../support/run-writer.js';
import { ensureUiBuilt } from '../support/ui-build.js';

const outDir = join(screenshotDir, 'all');
const WIDTHS = [360, 1440] as const;
const SCHEMES = ['light', 'dark'] as const;

ensureUiBuilt();
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const receiver = await startAlertReceiver({ path: '/runboard' });
const configDir = mkdtempSync(join(tmpdir(), 'runboard-screenshots-'));
const configFile = join(configDir, 'runboard.yaml');
writeFileSync(
  configFile,
  `alerts:
  channels:
    - { name: team-ntfy, type: ntfy, url: "${receiver.url}" }
    - { name: ops-hook, type: webhook, url: "http://127.0.0.1:9/hook" }
  rules:
    - { channels: [team-ntfy, ops-hook], on: [failed, recovered, new-error] }
`,
);
const server = await startRunboardProcess({ args: ['--config', configFile] });
const browser = await launchBrowser();
try {
  const errors = [
    { identifier: 'member-1042', system: 'crm', message: 'HTTP 429 from crm: rate limited' },
    { identifier: 'member-2077', system: 'ledger', message: 'IBAN checksum mismatch for member-2077' },
  ];
  await finishedRun(server.runsDir, 'rondo', 'members-sync');
  await finishedRun(server.runsDir, 'rondo', 'members-sync', { errors });
  await finishedRun(server.runsDir, 'rondo', 'members-sync', { errors });
  await finishedRun(server.runsDir, 'rondo', 'fees-export', { outcome: 'failure' });
  await finishedRun(server.runsDir, 'north', 'newsletter');
  const live = beginRun(server.runsDir, 'north', 'nightly-import');
  await live.step('download', (step) => {
    for (let i = 1; i <= 40; i++) step.log.info({ member: `member-${i}` }, `downloaded page ${i}`);
    step.log.warn('slow response from the source: 2.4 s');
  });
  const run = await waitFor('the latest members-sync run', async () => {
    const response = await fetch(`${server.url}/api/runs?pipeline=members-sync&limit=1`);
    const latest = ((await response.json()) as ApiPage<RunView>).items[0];
    return latest && latest.status !== 'running' ? latest : undefined;
  });
  const { lines } = (await (await fetch(`${server.url}/api/runs/${run.id}/logs`)).json()) as {
    lines: Array<{ offset: number }>;
  };
  const liveRun = await waitFor('the running run', async () => {
    const response = await fetch(`${server.url}/api/runs?pipeline=nightly-import&limit=1`);
    return ((await response.json()) as ApiPage<RunView>).items[0];
  });
  const routes: Array<{ name: string; path: string; ready: string }> = [
    { name: 'overview', path: '/', ready: 'pipeline-row' },
    { name: 'overview-club', path: '/?club=rondo', ready: 'pipeline-row' },
    { name: 'pipeline', path: '/pipelines/rondo/members-sync', ready: 'time-chart[data-x-min]' },
    { name: 'pipeline-unstable', path: '/pipelines/rondo/members-sync?status=unstable', ready: 'tr[data-run-id]' },
    { name: 'run', path: `/runs/${run.id}`, ready: 'log-viewer a.row' },
    { name: 'run-line', path: `/runs/${run.id}?line=${lines[2]?.offset ?? 0}`, ready: 'log-line-detail' },
    { name: 'run-live', path: `/runs/${liveRun.id}`, ready: 'log-viewer a.row' },
    { name: 'errors', path: '/errors', ready: 'error-group-card' },
    { name: 'errors-club', path: '/errors?club=rondo', ready: 'errors-page tr[data-identifier]' },
    { name: 'errors-record', path: '/errors?identifier=member-1042', ready: 'errors-page tr[data-error-id]' },
    { name: 'alerts', path: '/alerts', ready: 'alerts-page li[data-delivery="ops-hook"][data-status="failing"]' },
    { name: 'not-found', path: '/no/such/page', ready: 'runboard-app h1' },
  ];
  let count = 0;
  for (const colorScheme of SCHEMES) {
    for (const width of WIDTHS) {
      const { page } = await openPage(browser, { colorScheme, width, height: width === 360 ? 780 : 900 });
      for (const route of routes) {
        await page.goto(server.url + route.path);
        await page.locator(route.ready).first().waitFor();
        await page.locator('connection-indicator [data-state="live"]').waitFor();
        await page.screenshot({ path: join(outDir, `${route.name}-${width}-${colorScheme}.png`), fullPage: true });
        count++;
      }
      await page.context().close();
    }
  }
  await live.end({});
  console.log(`${count} screenshots in ${outDir}`);
} finally {
  await browser.close();
  await server.dispose();
  await receiver.close();
  rmSync(configDir, { recursive: true, force: true });
}
