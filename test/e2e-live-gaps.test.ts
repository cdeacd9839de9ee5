// Lines the server skips under backpressure: a client too busy to read its socket gets `skipped` ranges
// instead of an unbounded backlog. The log shows a marker there, and the operator can load what was skipped.
// A real server (in-process, for its small send-buffer bound) and a real browser whose main thread is blocked.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page as ApiPage, RunView } from '../shared/api.js';
import { launchBrowser, openPage, screenshot } from './support/browser.js';
import { startInProcessServer, type InProcessServer } from './support/in-process-server.js';
import { BUSY_WAIT, scrollTo } from './support/page-scripts.js';
import { beginRun, waitFor } from './support/run-writer.js';
import { ensureUiBuilt } from './support/ui-build.js';

let server: InProcessServer;
let browser: Browser;

async function api<T>(path: string): Promise<T> {
  const response = await fetch(server.url + path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  ensureUiBuilt();
  [server, browser] = await Promise.all([startInProcessServer({ live: { highWaterBytes: 4096 } }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('live lines skipped under backpressure', () => {
  it('are marked in the log and can be loaded', async () => {
    const run = beginRun(server.runsDir, 'e2e', 'gaps');
    run.log.info('line 1');
    const runId = await waitFor(
      'the run',
      async () => (await api<ApiPage<RunView>>('/api/runs?pipeline=gaps')).items[0]?.id,
    );
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await page.getByText('line 1', { exact: true }).waitFor();
    await page.locator('connection-indicator [data-state="live"]').waitFor();

    // Busy page + a burst far larger than the socket buffers between them: the server must skip. Repeated a
    // few times in case a machine buffers more than expected.
    const banner = page.locator('log-viewer .gaps-banner');
    let written = 1;
    for (let round = 0; round < 3 && (await banner.count()) === 0; round++) {
      const busy = page.evaluate(`(${BUSY_WAIT})(6000)`);
      for (let burst = 0; burst < 60; burst++) {
        for (let i = 0; i < 1000; i++) run.log.info({ pad: 'x'.repeat(200) }, `line ${++written}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await busy;
      await waitFor('every line ingested', async () => (await api<RunView>(`/api/runs/${runId}`)).logCount > written);
      await banner.waitFor({ timeout: 10_000 }).catch(() => undefined);
    }
    expect(Number(await banner.getAttribute('data-gap-count'))).toBeGreaterThan(0);
    // The marker row sits where the lines are missing; "Show" brings it into view.
    await banner.getByRole('button', { name: 'Show' }).click();
    const marker = page.locator('log-viewer .row.gap').first();
    await marker.getByText('were not streamed live').waitFor();
    await marker.scrollIntoViewIfNeeded();
    await screenshot(page, 'run-skipped-marker');

    // Load every skipped range: afterwards the viewer holds exactly the run's lines, once each, up to the last.
    const total = (await api<RunView>(`/api/runs/${runId}`)).logCount;
    const load = banner.getByRole('button', { name: 'Load them' });
    await load.click();
    await waitFor(
      'every skipped line loaded',
      async () => {
        // Short timeouts: the banner goes away while we look at it, and a locator would wait for it to return.
        if ((await banner.count()) > 0) {
          if (await load.isEnabled({ timeout: 500 }).catch(() => false))
            await load.click({ timeout: 500 }).catch(() => undefined);
          return false;
        }
        const status = (await page.locator('log-viewer .status').textContent({ timeout: 500 })) ?? '';
        return Number(/([\d\u202f]+) lines loaded/.exec(status)?.[1]?.replace(/\u202f/g, '')) === total;
      },
      90_000,
    );
    await page.locator('log-viewer .viewport').evaluate(scrollTo, 1e9);
    await waitFor(
      'the last line at the bottom',
      async () => (await page.locator('log-viewer a.row .msg').last().textContent()) === `line ${written}`,
    );
    expect(problems).toEqual([]);
    await run.end({});
    await page.context().close();
  }, 180_000);
});
