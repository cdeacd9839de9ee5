// What an operator expects beyond the bugs (issue 10, items 10–14): pause the live log, wrap lines and read a
// line's detail where it is, see when the page is offline, filter run history by status. Each in a real
// browser against a real `runboard start` fed by real run files; conditions are polled, never slept on.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page as ApiPage, RunView } from '../shared/api.js';
import { launchBrowser, openPage } from './e2e/browser.js';
import { renderedLineNumbers } from './e2e/log-rows.js';
import { atBottom, scrollTo, scrollTop } from './e2e/page-scripts.js';
import { startRunboardProcess, type RunboardProcess } from './e2e/runboard-process.js';
import { beginRun, waitFor } from './e2e/run-writer.js';
import { ensureUiBuilt } from './e2e/ui-build.js';

let server: RunboardProcess;
let browser: Browser;

async function runIdOf(pipeline: string): Promise<number> {
  return waitFor(`a run of ${pipeline}`, async () => {
    const response = await fetch(`${server.url}/api/runs?pipeline=${pipeline}&limit=1`);
    if (!response.ok) return undefined;
    return ((await response.json()) as ApiPage<RunView>).items[0]?.id;
  });
}

function logStatus(page: Page): Promise<string> {
  return page.locator('log-viewer .status').innerText();
}

function following(page: Page): Promise<string | null> {
  return page.locator('log-viewer .status').getAttribute('data-following');
}

beforeAll(async () => {
  ensureUiBuilt();
  [server, browser] = await Promise.all([startRunboardProcess(), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('item 11: pause the live log', () => {
  it('pauses with a button or Space beside "Jump to live", holds the view while lines arrive, resumes', async () => {
    const run = beginRun(server.runsDir, 'tools', 'pausable');
    for (let i = 1; i <= 100; i++) run.log.info(`line ${i}`);
    const runId = await runIdOf('pausable');
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await waitFor('line 100', async () => (await renderedLineNumbers(page)).includes(100));
    await waitFor('following live', async () => /following live/.test(await logStatus(page)));
    const viewport = page.locator('log-viewer .viewport');
    const pause = page.locator('log-viewer button', { hasText: /^Pause/ });
    const jump = page.locator('log-viewer button.jump');

    await pause.click();
    await waitFor('paused', async () => (await following(page)) === 'false');
    expect(await logStatus(page)).toMatch(/paused/);
    const heldAt = await viewport.evaluate(scrollTop);
    for (let i = 101; i <= 200; i++) run.log.info(`line ${i}`);
    await waitFor('the new lines counted', async () => /Jump to live \(100 new\)/.test(await jump.innerText()));
    expect(await viewport.evaluate(scrollTop)).toBe(heldAt);
    expect(await viewport.evaluate(atBottom)).toBe(false);
    // Pause and "Jump to live" sit side by side: the jump button resumes.
    await jump.click();
    await waitFor('following again', async () => (await following(page)) === 'true');
    await waitFor('at the live end', () => viewport.evaluate(atBottom));

    // Space toggles, from the log.
    await viewport.focus();
    await page.keyboard.press('Space');
    await waitFor('paused by Space', async () => (await following(page)) === 'false');
    for (let i = 201; i <= 210; i++) run.log.info(`line ${i}`);
    await waitFor('counted', async () => /\(10 new\)/.test(await jump.innerText()));
    await page.keyboard.press('Space');
    await waitFor('resumed by Space', async () => (await following(page)) === 'true');
    await waitFor('line 210 shown', async () => (await renderedLineNumbers(page)).includes(210));

    // Scrolling up still pauses.
    await viewport.evaluate(scrollTo, 0);
    await waitFor('paused by scrolling', async () => (await following(page)) === 'false');
    expect(await pause.count()).toBe(0);
    await jump.click();
    await waitFor('following after the jump', async () => (await following(page)) === 'true');
    expect(await pause.count()).toBe(1);
    expect(problems).toEqual([]);
    await run.end({});
    await page.context().close();
  }, 60_000);
});
