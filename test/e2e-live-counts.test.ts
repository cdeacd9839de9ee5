// Live counts: a running step's step.count() calls reach the overview card, the run header and the step timeline
// while the step still runs (before its step.end), through the real ingest, live hub and socket, in Chromium.
import type { Browser, Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Page as ApiPage, RunDetail, RunView } from '../shared/api.js';
import { openPage, screenshot } from './support/browser.js';
import { DOCUMENT_MARKED, MARK_DOCUMENT } from './support/page-scripts.js';
import type { RunboardProcess } from './support/runboard-process.js';
import { beginRun, waitFor } from './support/run-writer.js';
import { useBrowserSuite } from './support/browser-suite.js';

let server: RunboardProcess;
let browser: Browser;

useBrowserSuite((started) => ({ server, browser } = started));

/** The element's text with runs of white space as one space. */
async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function shows(locator: Locator, what: string, ...parts: string[]): Promise<void> {
  let last = '';
  try {
    await waitFor(what, async () => {
      last = await textOf(locator);
      return parts.every((part) => last.includes(part));
    });
  } catch (error) {
    // What it showed instead says which update went missing.
    throw new Error(`${error instanceof Error ? error.message : String(error)}; it showed "${last}"`, { cause: error });
  }
}

describe('live counts', () => {
  it('counts move on the overview card, the run header and the step timeline before step.end', async () => {
    const overview = await openPage(browser);
    await overview.page.goto(`${server.url}/`);
    await overview.page.locator('connection-indicator [data-state="live"]').waitFor();
    await overview.page.evaluate(MARK_DOCUMENT);

    // progressIntervalMs 0: every count goes out at once, so each figure below is a state the page must reach.
    const run = beginRun(server.runsDir, 'e2e', 'live-counts');
    const card = overview.page.locator('running-run-card', { hasText: 'live-counts' }).locator('.step');
    let runId = 0;
    await run.step('submit', async (step) => {
      step.count({ created: 3 });
      await shows(card, 'created 3 on the overview card', '+3 created', '~0 updated');
      step.count({ updated: 7, failed: 1 });
      await shows(card, 'updated 7, failed 1 on the card', '+3 created', '~7 updated', '✕1 failed');

      runId = await waitFor('the run in the API', async () => {
        const page = (await (await fetch(`${server.url}/api/runs?pipeline=live-counts`)).json()) as ApiPage<RunView>;
        return page.items[0]?.id;
      });
      const runPage = await openPage(browser);
      await runPage.page.goto(`${server.url}/runs/${runId}`);
      const records = runPage.page.locator('run-header dd', { hasText: 'created' });
      const timeline = runPage.page.locator('step-timeline li[data-step="submit"] .info');
      await shows(records, 'the header from the first load', '+3 created', '~7 updated', '✕1 failed');
      await shows(timeline, 'the timeline from the first load', 'running', '+3 · ~7', '✕1');
      await runPage.page.evaluate(MARK_DOCUMENT);

      // Moving live on the open run page, without a reload.
      step.count({ created: 2, skipped: 4 });
      await shows(records, 'the header to move live', '+5 created', '~7 updated', '4 skipped', '✕1 failed');
      await shows(timeline, 'the timeline to move live', 'running', '+5 · ~7 · 4 skipped', '✕1');
      await shows(card, 'the card to move live', '+5 created');
      expect(await runPage.page.evaluate<boolean>(DOCUMENT_MARKED)).toBe(true);
      await screenshot(runPage.page, 'live-counts-run');
      await screenshot(overview.page, 'live-counts-overview');

      // Still before step.end: the API says the step is running, with the counts so far.
      const detail = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as RunDetail;
      expect(detail.steps).toMatchObject([
        { name: 'submit', status: 'running', counts: { created: 5, updated: 7, skipped: 4, failed: 1 } },
      ]);
      expect(detail.counts).toEqual({ created: 5, updated: 7, skipped: 4, failed: 1 });
      expect(runPage.problems).toEqual([]);
      await runPage.page.context().close();
    });
    await run.end({ outcome: 'success' });

    // step.end's counts are the final word, and equal to what progress said: nothing counted twice.
    const finished = await waitFor('the run to finish', async () => {
      const detail = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as RunDetail;
      return detail.status === 'success' ? detail : undefined;
    });
    expect(finished.counts).toEqual({ created: 5, updated: 7, skipped: 4, failed: 1 });
    expect(finished.steps[0]).toMatchObject({ status: 'success', counts: finished.counts });
    expect(overview.problems).toEqual([]);
    await overview.page.context().close();
  });
});
