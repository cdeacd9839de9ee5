// The run page's log in a real browser: live streaming in order, follow mode, filters in the URL, and a
// server restart in the middle of a run (resume without gaps or duplicates).
import { appendFileSync, truncateSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Page as ApiPage, RunView } from '../shared/api.js';
import { openPage, screenshot } from './support/browser.js';
import { range, renderedLineNumbers, renderedRows } from './e2e/log-rows.js';
import { ACTIVE_ELEMENT, atBottom, scrollTo } from './support/page-scripts.js';
import type { RunboardProcess } from './support/runboard-process.js';
import { beginRun, waitFor } from './support/run-writer.js';
import { useBrowserSuite } from './support/browser-suite.js';

let server: RunboardProcess;
let browser: Browser;

async function runIdOf(pipeline: string): Promise<number> {
  return waitFor(`a run of ${pipeline}`, async () => {
    const response = await fetch(`${server.url}/api/runs?pipeline=${pipeline}&limit=1`);
    if (!response.ok) return undefined;
    return ((await response.json()) as ApiPage<RunView>).items[0]?.id;
  });
}

function lastNumberIs(page: Page, n: number) {
  return async () => (await renderedLineNumbers(page)).at(-1) === n;
}

function indicatorState(page: Page): Promise<string | null> {
  return page.locator('connection-indicator [data-state]').getAttribute('data-state');
}

useBrowserSuite((started) => ({ server, browser } = started));

describe('run page log', () => {
  it('streams new lines in order at the live end and follows them', async () => {
    const run = beginRun(server.runsDir, 'e2e', 'streaming');
    run.log.info('line 1');
    const runId = await runIdOf('streaming');
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await waitFor('line 1', lastNumberIs(page, 1));
    for (let burst = 0; burst < 6; burst++) {
      for (let i = 2 + burst * 5; i < 7 + burst * 5; i++) run.log.info(`line ${i}`);
      await waitFor(`line ${6 + burst * 5}`, lastNumberIs(page, 6 + burst * 5));
    }
    expect(await renderedLineNumbers(page)).toEqual(range(1, 31));
    const viewport = page.locator('log-viewer .viewport');
    expect(await viewport.evaluate(atBottom)).toBe(true);
    expect(await page.locator('log-viewer [data-following]').getAttribute('data-following')).toBe('true');
    // The header follows the run live too: its line count matches the API's.
    const logCount = await waitFor('the API to count the lines', async () => {
      const response = await fetch(`${server.url}/api/runs/${runId}`);
      const view = (await response.json()) as RunView;
      return view.logCount >= 32 ? view.logCount : undefined;
    });
    await waitFor(
      'log count in the header',
      async () => (await page.locator('run-header').getByText(`${logCount} lines`).count()) === 1,
    );
    await screenshot(page, 'run-streaming');
    await run.end({});
    await waitFor(
      'the run to end on the page',
      async () => (await page.locator('run-header status-badge[tone="success"]').count()) === 1,
    );
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('pauses follow mode when scrolled up, counts new lines, and jumps back to live', async () => {
    const run = beginRun(server.runsDir, 'e2e', 'follow');
    for (let i = 1; i <= 300; i++) run.log.info(`line ${i}`);
    const runId = await runIdOf('follow');
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await waitFor('line 300 at the bottom', lastNumberIs(page, 300));
    const viewport = page.locator('log-viewer .viewport');
    await viewport.evaluate(scrollTo, 0);
    const following = page.locator('log-viewer [data-following]');
    await waitFor('follow mode paused', async () => (await following.getAttribute('data-following')) === 'false');
    expect((await renderedLineNumbers(page))[0]).toBe(1);

    for (let i = 301; i <= 305; i++) run.log.info(`line ${i}`);
    const jump = page.locator('log-viewer button.jump');
    await waitFor('the jump button to count 5 new lines', async () =>
      /\(5 new\)/.test((await jump.textContent()) ?? ''),
    );
    // Still where the operator left it.
    expect((await renderedLineNumbers(page))[0]).toBe(1);
    await screenshot(page, 'run-follow-paused');

    await jump.click();
    await waitFor(
      'following again at line 305',
      async () => (await following.getAttribute('data-following')) === 'true',
    );
    await waitFor('line 305 at the bottom', lastNumberIs(page, 305));
    expect(await viewport.evaluate(atBottom)).toBe(true);
    run.log.info('line 306');
    await waitFor('line 306 followed', lastNumberIs(page, 306));
    await run.end({});
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('filters by level, step and text, live lines included; the filters are in the URL and survive reload', async () => {
    const run = beginRun(server.runsDir, 'e2e', 'filters');
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const steps = (async () => {
      await run.step('fetch', (step) => {
        step.log.info('fetching page 1');
        step.log.warn('slow response from the members API');
      });
      await run.step('save', async (step) => {
        step.log.info('saving 10 members');
        step.log.error('save failed for member-9');
        await gate;
        step.log.info('still saving, info stays hidden');
        step.log.error('save failed for member-12');
      });
    })();
    const runId = await runIdOf('filters');
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await page.getByText('save failed for member-9').first().waitFor();

    await page.locator('log-viewer select[aria-label="Minimum level"]').selectOption('warn');
    await waitFor('the level in the URL', () => new URL(page.url()).searchParams.get('level') === 'warn');
    await waitFor('only warn and error lines', async () => {
      const rows = await renderedRows(page);
      return rows.length === 2 && rows.every((r) => r.level === 'WARN' || r.level === 'ERROR');
    });

    await page.locator('log-viewer select[aria-label="Step"]').selectOption('save');
    await waitFor('the step in the URL', () => new URL(page.url()).searchParams.get('step') === 'save');
    await waitFor(
      'only the save error',
      async () => (await renderedRows(page)).map((r) => r.msg).join('|') === 'save failed for member-9',
    );

    // Live lines go through the same filter.
    release();
    await waitFor('the live error line', async () => (await renderedRows(page)).length === 2);
    expect((await renderedRows(page)).map((r) => r.msg)).toEqual([
      'save failed for member-9',
      'save failed for member-12',
    ]);

    await page.locator('log-viewer input[type="search"]').fill('MEMBER-12');
    await waitFor('the text in the URL', () => new URL(page.url()).searchParams.get('q') === 'MEMBER-12');
    await waitFor(
      'one match',
      async () => (await renderedRows(page)).map((r) => r.msg).join('|') === 'save failed for member-12',
    );
    await screenshot(page, 'run-filtered');

    await page.reload();
    await waitFor(
      'filtered after reload',
      async () => (await renderedRows(page)).map((r) => r.msg).join('|') === 'save failed for member-12',
    );
    expect(await page.locator('log-viewer select[aria-label="Minimum level"]').inputValue()).toBe('warn');
    expect(await page.locator('log-viewer select[aria-label="Step"]').inputValue()).toBe('save');
    expect(await page.locator('log-viewer input[type="search"]').inputValue()).toBe('MEMBER-12');
    await steps;
    await run.end({});
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('keyboard', () => {
  it('skips to the content, and arrow keys select log lines with a deep link; Escape clears it', async () => {
    const run = beginRun(server.runsDir, 'e2e', 'keyboard');
    for (let i = 1; i <= 10; i++) run.log.info(`line ${i}`);
    await run.end({});
    const runId = await runIdOf('keyboard');
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await waitFor('line 10', async () => (await renderedLineNumbers(page)).includes(10));
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>(ACTIVE_ELEMENT)).toBe('A Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string>(ACTIVE_ELEMENT)).toMatch(/^MAIN/);

    await page.locator('log-viewer .viewport').focus();
    await page.keyboard.press('ArrowUp');
    await waitFor('a selected line in the URL', () => new URL(page.url()).searchParams.has('line'));
    const first = Number(new URL(page.url()).searchParams.get('line'));
    expect(await page.locator(`log-viewer a.row[data-offset="${first}"]`).getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('ArrowUp');
    await waitFor('the line above', () => Number(new URL(page.url()).searchParams.get('line')) < first);
    await page.keyboard.press('ArrowDown');
    await waitFor('back down', () => Number(new URL(page.url()).searchParams.get('line')) === first);
    await page.locator('log-viewer section.detail').waitFor();
    await page.keyboard.press('Escape');
    await waitFor('no selection', () => !new URL(page.url()).searchParams.has('line'));
    expect(await page.locator('log-viewer a.row[aria-current="true"]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('server restart', () => {
  it('says the run is gone when its file starts over as a new run, instead of showing stale data', async () => {
    const run = beginRun(server.runsDir, 'e2e', 'started-over');
    run.log.info('line 1');
    run.log.info('line 2');
    const runId = await runIdOf('started-over');
    const { page } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await waitFor('line 2', lastNumberIs(page, 2));
    // Truncated and rewritten with another first line: ingest starts the file over and removes the old run.
    const file = run.file as string;
    truncateSync(file, 0);
    appendFileSync(file, JSON.stringify({ level: 30, time: Date.now(), msg: 'a new beginning' }) + '\n');
    await waitFor('the removal notice', async () => (await page.getByText(`Run ${runId} not found`).count()) === 1);
    await waitFor('the new run', async () => ((await runIdOf('started-over')) !== runId ? true : undefined));
  });

  it('reconnects and resumes the log without duplicate or missing lines', async () => {
    const run = beginRun(server.runsDir, 'e2e', 'restart');
    for (let i = 1; i <= 10; i++) run.log.info(`line ${i}`);
    const runId = await runIdOf('restart');
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await waitFor('line 10', lastNumberIs(page, 10));
    await waitFor('live', async () => (await indicatorState(page)) === 'live');

    await server.stop();
    // The indicator must not claim "live" while the server is gone.
    await waitFor('not live', async () => (await indicatorState(page)) !== 'live');
    for (let i = 11; i <= 20; i++) run.log.info(`line ${i}`);
    await screenshot(page, 'run-reconnecting');

    await server.restart();
    await waitFor('live again', async () => (await indicatorState(page)) === 'live', 60_000);
    await waitFor('lines written while down', lastNumberIs(page, 20), 30_000);
    for (let i = 21; i <= 25; i++) run.log.info(`line ${i}`);
    await waitFor('lines after the restart', lastNumberIs(page, 25));
    expect(await renderedLineNumbers(page)).toEqual(range(1, 25));
    const offsets = (await renderedRows(page)).map((r) => r.offset);
    expect(new Set(offsets).size).toBe(offsets.length);
    await run.end({});
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
