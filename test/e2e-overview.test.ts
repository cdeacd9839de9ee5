// The overview, pipeline and errors pages in a real browser against a real `runboard start`, fed by real
// run files written by the run logger. Live behaviour is checked by conditions (polls), never by sleeps.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Page as ApiPage, RunView } from '../shared/api.js';
import { openPage, screenshot } from './support/browser.js';
import {
  BODY_BACKGROUND,
  COUNT_IMAGES,
  DOCUMENT_MARKED,
  MARK_DOCUMENT,
  PWNED,
  SHOWN_TEXT,
} from './support/page-scripts.js';
import type { RunboardProcess } from './support/runboard-process.js';
import { beginRun, finishedRun, waitFor } from './support/run-writer.js';
import { useBrowserSuite } from './support/browser-suite.js';
import { spawnFixture } from './fixtures/ingest-spawn.js';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

let server: RunboardProcess;
let browser: Browser;

async function api<T>(path: string): Promise<T> {
  const response = await fetch(server.url + path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

async function runIdOf(pipeline: string): Promise<number> {
  return waitFor(`a run of ${pipeline} in the API`, async () => {
    const page = await api<ApiPage<RunView>>(`/api/runs?pipeline=${pipeline}&limit=1`);
    return page.items[0]?.id;
  });
}

/** Every <img> anywhere in the page, shadow roots included. */
function countImages(page: Page): Promise<number> {
  return page.evaluate<number>(COUNT_IMAGES);
}

useBrowserSuite((started) => ({ server, browser } = started));

describe('overview', () => {
  it('shows a run started by a writer and moves its progress live, without a reload', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/`);
    await page.locator('connection-indicator [data-state="live"]').waitFor();
    await page.evaluate(MARK_DOCUMENT);

    const run = beginRun(server.runsDir, 'e2e-north', 'live-progress');
    const card = page.locator('running-run-card', { hasText: 'live-progress' });
    const bar = card.locator('[role="progressbar"]');
    await run.step('load', async (step) => {
      step.progress(10, 100);
      await waitFor('progress 10 on the overview', async () => (await bar.getAttribute('aria-valuenow')) === '10');
      const firstElapsed = Number(await card.locator('[data-elapsed-ms]').getAttribute('data-elapsed-ms'));
      step.progress(60, 100);
      await waitFor('progress 60 on the overview', async () => (await bar.getAttribute('aria-valuenow')) === '60');
      expect(await card.getByText('60 / 100 · 60%').count()).toBe(1);
      // The elapsed time ticks on its own.
      await waitFor(
        'elapsed time to tick',
        async () => Number(await card.locator('[data-elapsed-ms]').getAttribute('data-elapsed-ms')) > firstElapsed,
      );
      await screenshot(page, 'overview-running');
      step.count({ created: 4 });
    });
    await run.end({ outcome: 'success' });

    // Finished: no longer pinned as running, and the pipeline's row shows the success.
    await card.waitFor({ state: 'detached' });
    const row = page.locator('pipeline-row [data-pipeline="live-progress"]');
    await waitFor('the row to show success', async () => (await row.getAttribute('data-tone')) === 'success');
    expect(await page.evaluate<boolean>(DOCUMENT_MARKED)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('colours a success with failed records apart, filters by club, and deep-links the filter', async () => {
    await finishedRun(server.runsDir, 'e2e-south', 'partial-sync', {
      errors: [{ identifier: 'm-1', system: 'crm', message: 'duplicate email' }],
    });
    await finishedRun(server.runsDir, 'e2e-south', 'broken-import', { outcome: 'failure' });
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/`);
    const partial = page.locator('pipeline-row [data-pipeline="partial-sync"]');
    await waitFor('partial-sync row', async () => (await partial.getAttribute('data-tone')) === 'partial');
    await expect(partial.getByText('success with failed records').count()).resolves.toBe(1);
    expect(await page.locator('pipeline-row [data-pipeline="broken-import"]').getAttribute('data-tone')).toBe(
      'failure',
    );

    await page.locator('club-filter select').selectOption('e2e-south');
    await waitFor('the URL to carry the club', () => page.url().endsWith('/?club=e2e-south'));
    await waitFor('only south pipelines', async () => (await page.locator('pipeline-row').count()) === 2);
    await page.reload();
    await waitFor('the filter to survive reload', async () => (await page.locator('pipeline-row').count()) === 2);
    expect(await page.locator('club-filter select').inputValue()).toBe('e2e-south');
    await screenshot(page, 'overview-club-filter');

    await page.setViewportSize({ width: 420, height: 900 });
    await screenshot(page, 'overview-narrow');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('hostile strings', () => {
  it('render as text and never run', async () => {
    const run = beginRun(server.runsDir, 'e2e-north', 'hostile');
    await run.step('parse', (step) => {
      step.log.warn({ payload: HOSTILE }, HOSTILE);
      step.error({ identifier: HOSTILE, system: 'crm<script>', err: new Error(HOSTILE) });
    });
    await run.end({ outcome: 'failure', reason: HOSTILE });
    const runId = await runIdOf('hostile');
    await waitFor(
      'the run to be finished in the API',
      async () => (await api<RunView>(`/api/runs/${runId}`)).status === 'failure',
    );

    const { page, problems } = await openPage(browser);
    const paths = [
      `/runs/${runId}`,
      '/errors?pipeline=hostile',
      `/errors?pipeline=hostile&identifier=${encodeURIComponent(HOSTILE)}`,
    ];
    for (const [index, path] of paths.entries()) {
      await page.goto(server.url + path);
      // The message, the error, the record id and the end reason all show, as text.
      await page.getByText(HOSTILE).first().waitFor();
      expect(await page.getByText(HOSTILE).count()).toBeGreaterThanOrEqual(index === 0 ? 3 : 1);
      expect(await countImages(page)).toBe(0);
      if (index === 0) await screenshot(page, 'run-hostile');
    }
    expect(await page.evaluate<unknown>(PWNED)).toBeUndefined();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('render as text everywhere a string from a run file is shown: names, steps, detail, stacks, err fields, groups', async () => {
    // Each place gets its own marker, so the test can tell which place showed it (and that it showed at all).
    // (No double quotes: the detail shows fields as JSON, which would escape them.)
    const hostile = (where: string) => `<img src=x data-where=${where} onerror=window.__pwned='${where}'>`;
    const club = hostile('club');
    const pipeline = hostile('pipeline');
    const run = beginRun(server.runsDir, club, pipeline);
    await run.step(hostile('step'), (step) => {
      step.log.warn({ payload: hostile('data') }, hostile('message'));
      const err = new Error(hostile('err-message'));
      err.stack = `Error: ${hostile('stack')}\n    at ${hostile('frame')}`;
      step.error({ identifier: hostile('identifier'), system: hostile('system'), err });
    });
    await run.end({ outcome: 'failure', reason: hostile('reason') });
    const runId = await waitFor('the hostile run', async () => {
      const page = await api<ApiPage<RunView>>(`/api/runs?club=${encodeURIComponent(club)}&limit=1`);
      return page.items[0]?.status === 'failure' ? page.items[0].id : undefined;
    });
    const lines = await api<{ lines: Array<{ offset: number; msg: string | null }> }>(`/api/runs/${runId}/logs`);
    const messageLine = lines.lines.find((l) => l.msg === hostile('message'))!;

    const { page, problems } = await openPage(browser, { width: 1440 });
    const shown = (where: string, within = SHOWN_TEXT) =>
      waitFor(`${where} shown as text`, async () => (await page.evaluate<string>(within)).includes(hostile(where)));
    const detailText = SHOWN_TEXT.replace(
      'visit(document.body)',
      "visit(document.querySelector('runboard-app').shadowRoot.querySelector('run-page').shadowRoot.querySelector('log-viewer').shadowRoot.querySelector('log-line-detail').shadowRoot)",
    );
    await page.goto(`${server.url}/?club=${encodeURIComponent(club)}`);
    await shown('pipeline');
    await shown('club');
    await page.goto(`${server.url}/pipelines/${encodeURIComponent(club)}/${encodeURIComponent(pipeline)}`);
    await shown('pipeline');
    await page.goto(`${server.url}/runs/${runId}?line=${messageLine.offset}`);
    await shown('step');
    await shown('reason');
    await shown('identifier');
    await shown('system');
    // The selected line's detail panel: its message, step and fields.
    const detail = page.locator('log-viewer section.detail');
    await detail.waitFor();
    await shown('message', detailText);
    await shown('step', detailText);
    await shown('data', detailText);
    // The run's errors: the err's message, and its stack (on demand).
    await shown('err-message');
    await shown('stack');
    // An error line's detail: the err's message and the fields the line carries.
    const errorLine = lines.lines.find((l) => l.msg !== null && l.msg.includes('err-message'))!;
    await page.goto(`${server.url}/runs/${runId}?line=${errorLine.offset}`);
    await page.locator(`log-viewer section.detail[data-offset="${errorLine.offset}"]`).waitFor();
    await shown('err-message', detailText);
    await page.goto(`${server.url}/errors?club=${encodeURIComponent(club)}`);
    // The error group's title (its message) and its record.
    await shown('err-message');
    await page.goto(
      `${server.url}/errors?club=${encodeURIComponent(club)}&identifier=${encodeURIComponent(hostile('identifier'))}`,
    );
    await shown('identifier');
    expect(await countImages(page)).toBe(0);
    expect(await page.evaluate<unknown>(PWNED)).toBeUndefined();
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);
});

describe('errors page', () => {
  it('groups the same error from two runs and leads to the runs and lines behind it', async () => {
    const error = { identifier: 'member-17', system: 'laposta', message: 'HTTP 429 from laposta: rate limited' };
    const first = await finishedRun(server.runsDir, 'e2e-north', 'grouping', { errors: [error] });
    const second = await finishedRun(server.runsDir, 'e2e-north', 'grouping', { errors: [error] });
    expect(first).not.toBe(second);
    await waitFor('both runs ingested', async () => {
      const page = await api<ApiPage<RunView>>('/api/runs?pipeline=grouping');
      return page.items.length === 2 && page.items.every((r) => r.status === 'success' && r.errorCount === 1);
    });

    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/errors?pipeline=grouping`);
    const card = page.locator('error-group-card', { hasText: 'HTTP 429 from laposta' });
    await card.waitFor();
    expect(await page.locator('error-group-card').count()).toBe(1);
    await expect(card.getByText('2×').count()).resolves.toBe(1);
    await expect(card.getByText('2 runs').count()).resolves.toBe(1);
    expect(await card.locator('[data-badge]').getAttribute('data-badge')).toBe('recurring');
    // The record failing in both runs is listed as failing run after run.
    await page.locator('tr[data-identifier="member-17"]').waitFor();
    await screenshot(page, 'errors');

    await card.getByRole('link', { name: /All 2 occurrences/ }).click();
    await waitFor('the occurrences list', async () => (await page.locator('tr[data-error-id]').count()) === 2);
    expect(page.url()).toContain('fingerprint=');
    const runLinks = await page.locator('tr[data-error-id] a', { hasText: /^#\d+$/ }).allTextContents();
    expect(new Set(runLinks).size).toBe(2);
    await screenshot(page, 'errors-occurrences');

    // From an occurrence to its log line: the run page opens with that line selected.
    await page
      .locator('tr[data-error-id]')
      .first()
      .getByRole('link', { name: /Log line of this error/ })
      .click();
    await waitFor('the run page', () => /\/runs\/\d+\?line=\d+/.test(page.url()));
    const offset = new URL(page.url()).searchParams.get('line');
    const selected = page.locator(`log-viewer a.row[data-offset="${offset}"]`);
    await selected.waitFor();
    expect(await selected.getAttribute('aria-current')).toBe('true');
    await page.locator('log-viewer section.detail').waitFor();
    await screenshot(page, 'run-line-deep-link');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('pipeline page', () => {
  it('pages the run history on scroll and charts durations', async () => {
    for (let i = 0; i < 120; i++) {
      const run = beginRun(server.runsDir, 'e2e-south', 'history', 'cron');
      await run.step('work', (step) => step.count({ created: i % 7, updated: i % 5, failed: i % 11 === 0 ? 1 : 0 }));
      await run.end({ outcome: i % 13 === 0 ? 'failure' : 'success' });
    }
    await waitFor(
      '120 runs ingested',
      async () => (await api<ApiPage<RunView>>('/api/runs?pipeline=history&limit=200')).items.length === 120,
      60_000,
    );
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/pipelines/e2e-south/history`);
    const rows = page.locator('pipeline-page tr[data-run-id]');
    await waitFor('the first page', async () => (await rows.count()) >= 50);
    expect(await rows.count()).toBeLessThan(120);
    // uPlot draws into canvases inside the chart components.
    await page.locator('time-chart canvas').first().waitFor();
    expect(await page.locator('time-chart').count()).toBe(2);
    await screenshot(page, 'pipeline');
    for (let i = 0; i < 10 && (await rows.count()) < 120; i++) {
      await page.mouse.wheel(0, 5000);
      await waitFor('more rows or the end', async () => (await rows.count()) > 50);
    }
    await waitFor('all runs after scrolling', async () => {
      await page.mouse.wheel(0, 5000);
      return (await rows.count()) === 120;
    });
    const ids = (await Promise.all((await rows.all()).map((row) => row.getAttribute('data-run-id')))).map(Number);
    expect(new Set(ids).size).toBe(120);
    // In the API's order (newest first by start time), across every page.
    const all = await api<ApiPage<RunView>>('/api/runs?pipeline=history&limit=200');
    expect(ids).toEqual(all.items.map((r) => r.id));
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('pipeline page with ended runs', () => {
  it('leaves ended runs out of the rate and marks them apart in the charts', async () => {
    for (const name of ['plain-1', 'plain-2']) {
      // A real plain-pino writer that exits with no run.end: its run ends as `ended` once its pid is gone.
      const writer = spawnFixture('plain-pino-child.ts', [
        join(server.runsDir, 'e2e-south', 'mixed', `${name}.ndjson`),
      ]);
      expect(await writer.exited).toEqual({ code: 0, signal: null });
    }
    for (let i = 0; i < 2; i++) await finishedRun(server.runsDir, 'e2e-south', 'mixed');
    await waitFor('two ended and two successful runs', async () => {
      const statuses = (await api<ApiPage<RunView>>('/api/runs?pipeline=mixed')).items.map((r) => r.status).sort();
      return statuses.join() === 'ended,ended,success,success';
    });
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/pipelines/e2e-south/mixed`);
    const rates = page.locator('pipeline-page .rates');
    await rates.waitFor();
    expect(await rates.innerText()).toBe('100% clean of 2 loaded runs with an outcome');
    expect(await rates.getAttribute('title')).toMatch(/ended runs .* are left out; 2 ended runs loaded/);
    await page.locator('time-chart canvas').first().waitFor();
    for (const chart of await page.locator('time-chart .plot').all()) {
      expect(await chart.getAttribute('aria-label')).toMatch(/2 ended or abandoned, shown as grey points/);
    }
    expect(await page.locator('time-chart .u-legend').first().innerText()).toMatch(/Ended or abandoned/);
    await screenshot(page, 'pipeline-ended-runs');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('dark theme', () => {
  it('follows prefers-color-scheme', async () => {
    const { page } = await openPage(browser, { colorScheme: 'dark' });
    await page.goto(`${server.url}/`);
    await page.locator('pipeline-row').first().waitFor();
    const background = await page.evaluate<string>(BODY_BACKGROUND);
    expect(background).toBe('rgb(14, 17, 22)');
    await screenshot(page, 'overview-dark');
    await page.context().close();
  });
});
