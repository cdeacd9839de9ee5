// Coming back to a page: the browser revalidates index.html (a 304) and must still be allowed to run the app.
// (The security headers of a 304 replace the cached ones, so the HTML policy has to be on the 304 too.)
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './support/browser.js';
import { startRunboardProcess, type RunboardProcess } from './support/runboard-process.js';
import { finishedRun } from './support/run-writer.js';
import { ensureUiBuilt } from './support/ui-build.js';

let server: RunboardProcess;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  [server, browser] = await Promise.all([startRunboardProcess(), launchBrowser()]);
  await finishedRun(server.runsDir, 'revisit', 'nightly', {});
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('revisiting a page', () => {
  it('still runs the app when index.html comes back as 304 Not Modified', async () => {
    const { page, problems } = await openPage(browser);
    const statuses: number[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'document') statuses.push(response.status());
    });
    for (const path of ['/errors', '/', '/errors', '/']) {
      await page.goto(server.url + path);
      await page.locator('connection-indicator [data-state="live"]').waitFor({ timeout: 10_000 });
    }
    expect(statuses).toHaveLength(4);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
