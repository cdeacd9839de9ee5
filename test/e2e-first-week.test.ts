// What a new operator hit in the web UI in their first week (issue 10, bugs 1–9), each in a real browser
// against a real `runboard start` fed by real run files. Conditions are polled, never slept on.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page as ApiPage, RunView } from '../shared/api.js';
import { launchBrowser, openPage } from './e2e/browser.js';
import { typeThenPickLevel } from './e2e/deep-dom.js';
import { renderedRows } from './e2e/log-rows.js';
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

function searchParam(page: Page, name: string): string | null {
  return new URL(page.url()).searchParams.get(name);
}

beforeAll(async () => {
  ensureUiBuilt();
  [server, browser] = await Promise.all([startRunboardProcess(), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('bug 1: typed search text', () => {
  it('keeps the pending search when the level changes within the debounce', async () => {
    const run = beginRun(server.runsDir, 'week', 'account-check');
    run.log.debug('debug line');
    run.log.info('checking IBAN of member-1');
    run.log.info('unrelated info line');
    run.log.warn('IBAN rejected for member-2');
    await run.end({});
    const runId = await runIdOf('account-check');
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await waitFor('the last line', async () =>
      (await renderedRows(page)).some((r) => r.msg === 'IBAN rejected for member-2'),
    );

    await page.evaluate(typeThenPickLevel('IBAN', 'info'));
    await waitFor('the level in the URL', () => searchParam(page, 'level') === 'info');
    await waitFor('the filtered log', async () => (await renderedRows(page)).length === 2);
    expect((await renderedRows(page)).map((r) => r.msg)).toEqual([
      'checking IBAN of member-1',
      'IBAN rejected for member-2',
    ]);
    expect(searchParam(page, 'q')).toBe('IBAN');
    expect(await page.locator('log-viewer input[type="search"]').inputValue()).toBe('IBAN');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
