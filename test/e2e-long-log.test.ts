// A 100,000-line run in a real browser: the page opens at the live end, and however far the operator scrolls,
// only the rows in view (plus a fixed overscan) are in the DOM.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogsResponse, RunView } from '../shared/api.js';
import { maxRenderedRows } from '../web/log-window.js';
import { launchBrowser, openPage, screenshot } from './support/browser.js';
import { range, renderedLineNumbers } from './e2e/log-rows.js';
import { scrollSize, scrollTo } from './support/page-scripts.js';
import { startRunboardProcess, type RunboardProcess } from './support/runboard-process.js';
import { beginRun, waitFor } from './support/run-writer.js';
import { ensureUiBuilt } from './support/ui-build.js';

const LINES = 100_000;
// Mirrors web/log-viewer.ts (ROW_HEIGHT, OVERSCAN): importing the component would pull Lit into node.
const ROW_HEIGHT = 20;
const OVERSCAN = 20;

let server: RunboardProcess;
let browser: Browser;
let runId: number;

async function api<T>(path: string): Promise<T> {
  const response = await fetch(server.url + path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  ensureUiBuilt();
  [server, browser] = await Promise.all([startRunboardProcess(), launchBrowser()]);
  const run = beginRun(server.runsDir, 'e2e', 'long-log');
  for (let i = 1; i <= LINES; i++) run.log.info({ i }, `line ${i}`);
  await run.end({});
  runId = await waitFor(
    'the whole run ingested',
    async () => {
      const page = await api<{ items: RunView[] }>('/api/runs?pipeline=long-log');
      const view = page.items[0];
      return view && view.status === 'success' && view.logCount >= LINES ? view.id : undefined;
    },
    120_000,
  );
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('a 100,000-line run', () => {
  it('opens at the live end and keeps a bounded number of rows in the DOM while scrolling', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await waitFor('the newest line', async () => (await renderedLineNumbers(page)).at(-1) === LINES);
    const viewport = page.locator('log-viewer .viewport');
    const rows = page.locator('log-viewer .row');
    const { clientHeight } = await viewport.evaluate(scrollSize);
    const bound = maxRenderedRows(clientHeight, ROW_HEIGHT, OVERSCAN);
    expect(bound).toBeLessThan(100);
    expect(await rows.count()).toBeLessThanOrEqual(bound);
    await screenshot(page, 'run-100k-live-end');

    // Scroll to the top again and again: each time an older page loads above, the view stays put, and the DOM
    // never holds more than the window.
    let loadedRows = Number(await viewport.getAttribute('data-row-count'));
    for (let i = 0; i < 12; i++) {
      await viewport.evaluate(scrollTo, 0);
      // At the top, the first line held (rows are the run.end line, then the newest lines backwards).
      const topLine = LINES + 2 - loadedRows;
      loadedRows = await waitFor('an older page', async () => {
        const count = Number(await viewport.getAttribute('data-row-count'));
        return count > loadedRows ? count : undefined;
      });
      // That line stayed on screen: the older page went above it, and the window starts an overscan before.
      expect((await renderedLineNumbers(page))[0]).toBe(topLine - OVERSCAN);
      const numbers = await renderedLineNumbers(page);
      expect(numbers).toEqual(range(numbers[0]!, numbers[0]! + numbers.length - 1));
      expect(await rows.count()).toBeLessThanOrEqual(bound);
    }
    const status = (await page.locator('log-viewer .status').textContent()) ?? '';
    const loaded = Number(/([\d\u202f]+) lines loaded/.exec(status)?.[1]?.replace(/\u202f/g, ''));
    expect(loaded).toBeGreaterThanOrEqual(10_000);

    // Jump around the loaded range (seeded): always the right, consecutive lines, always a bounded DOM.
    const seed = 4242;
    let state = seed;
    const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
    const { scrollHeight } = await viewport.evaluate(scrollSize);
    // Loaded rows are the newest ones: the run.end line, then line 100000 backwards.
    const firstLoaded = LINES - (loaded - 1) + 1;
    for (let i = 0; i < 15; i++) {
      const top = Math.floor(clientHeight + random() * (scrollHeight - 2 * clientHeight));
      await viewport.evaluate(scrollTo, top);
      const expectedFirst = firstLoaded + Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
      await waitFor(
        `rows at ${top} (seed ${seed}, step ${i})`,
        async () => (await renderedLineNumbers(page))[0] === expectedFirst,
      );
      const numbers = await renderedLineNumbers(page);
      expect(numbers, `seed ${seed} step ${i}`).toEqual(range(expectedFirst, expectedFirst + numbers.length - 1));
      expect(await rows.count()).toBeLessThanOrEqual(bound);
    }
    await screenshot(page, 'run-100k-scrolled');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('deep-links to a line in the middle of the run', async () => {
    const match = await api<LogsResponse>(`/api/runs/${runId}/logs?q=${encodeURIComponent('line 50000')}&limit=5`);
    const line = match.lines.find((l) => l.msg === 'line 50000');
    expect(line).toBeDefined();
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}?line=${line!.offset}`);
    const selected = page.locator(`log-viewer a.row[data-offset="${line!.offset}"]`);
    await selected.waitFor();
    expect(await selected.getAttribute('aria-current')).toBe('true');
    const { clientHeight } = await page.locator('log-viewer .viewport').evaluate(scrollSize);
    expect(await page.locator('log-viewer .row').count()).toBeLessThanOrEqual(
      maxRenderedRows(clientHeight, ROW_HEIGHT, OVERSCAN),
    );
    // Away from the live end: the way back is offered.
    await page.locator('log-viewer button.jump').waitFor();
    await screenshot(page, 'run-100k-deep-link');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
