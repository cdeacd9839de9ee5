// The run page's "Compared with" panel and the pipeline history's unusual-run marks, in a real browser against a
// real `runboard start`, on run files written by the real run logger (simulated clock: exact figures).
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Page as ApiPage, RunView } from '../shared/api.js';
import { startRun } from '../shared/run-logger.js';
import { openPage, screenshot } from './support/browser.js';
import { COUNT_IMAGES, PWNED } from './support/page-scripts.js';
import type { RunboardProcess } from './support/runboard-process.js';
import { waitFor } from './support/run-writer.js';
import { useBrowserSuite } from './support/browser-suite.js';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const DAY = 24 * 3600 * 1000;
const T0 = Date.UTC(2026, 10, 1, 3, 0, 0);

let server: RunboardProcess;
let browser: Browser;

async function writeNight(night: number, created: number, errors: Array<{ id: string; message: string }>) {
  let now = T0 + night * DAY;
  const run = startRun({
    runsDir: server.runsDir,
    club: 'e2e',
    pipeline: 'compare',
    trigger: 'cron',
    runId: `compare-${night}`,
    handleProcessEnd: false,
    progressIntervalMs: 0,
    env: {},
    clock: () => now,
  });
  await run.step('download', (step) => {
    now += 10 * 60_000;
    step.count({ created });
  });
  await run.step('submit', (step) => {
    now += 5 * 60_000;
    step.count({ updated: 40 });
    for (const e of errors) step.error({ identifier: e.id, system: 'laposta', err: new Error(e.message) });
  });
  await run.end({ outcome: 'success' });
}

useBrowserSuite((started) => ({ server, browser } = started));

describe('run comparison', () => {
  it('shows the run against the last successful one, with the odd count flagged and hostile text as text', async () => {
    const created = [100, 98, 103, 101, 99, 100, 102, 97, 100, 101];
    for (let night = 1; night <= 10; night++)
      await writeNight(night, created[night - 1] as number, night === 10 ? [{ id: 'A', message: 'rejected' }] : []);
    // Night 11 creates 180 (outside 100 ± 3 × MAD); A still fails, B is new with a hostile message.
    await writeNight(11, 180, [
      { id: 'A', message: 'rejected' },
      { id: HOSTILE, message: `upload failed ${HOSTILE}` },
    ]);
    const runs = await waitFor('all 11 runs ingested', async () => {
      const response = await fetch(`${server.url}/api/runs?pipeline=compare&limit=20`);
      const page = (await response.json()) as ApiPage<RunView>;
      return page.items.length === 11 && page.items.every((r) => r.status === 'success') ? page.items : undefined;
    });
    const latest = runs[0]!;
    const lastSuccess = runs[1]!;

    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${latest.id}`);
    const panel = page.locator('run-compare');
    await panel.locator('[data-baseline]').waitFor();
    expect(await panel.locator('[data-baseline]').textContent()).toBe(`run #${lastSuccess.id} (success)`);

    // The one flagged value: download's created count (and so the run's), nothing else.
    const flagged = panel.locator('td[data-outside="true"]');
    await waitFor('a flagged figure', async () => (await flagged.count()) > 0);
    const flaggedCells: string[] = [];
    for (const row of await panel.locator('tr[data-step]').all()) {
      const step = await row.getAttribute('data-step');
      for (const cell of await row.locator('td[data-outside="true"]').all())
        flaggedCells.push(`${step}:${await cell.getAttribute('data-figure')}`);
    }
    expect(flaggedCells).toEqual(['download:created', ':created']);
    const cell = panel.locator('tr[data-step="download"] td[data-figure="created"]');
    expect(await cell.textContent()).toContain('+79 (+78%)');
    expect(await cell.getAttribute('title')).toContain('normal range');

    // Errors: B (the hostile identifier) is new, A still failing for 2 runs.
    const fresh = panel.locator('[data-errors="new"]');
    expect(await fresh.getByText(`laposta · ${HOSTILE}`).count()).toBe(1);
    const still = panel.locator('[data-errors="still"]');
    expect(await still.textContent()).toContain('2 runs in a row');
    expect(await panel.locator('[data-new-fingerprints]').getByText(`upload failed ${HOSTILE}`).count()).toBe(1);
    expect(await page.evaluate<number>(COUNT_IMAGES)).toBe(0);
    expect(await page.evaluate<unknown>(PWNED)).toBeUndefined();
    await screenshot(page, 'run-compare');

    // Switch to the median of the last 10 successful runs.
    await panel.locator('select').selectOption('median');
    await waitFor(
      'the median baseline',
      async () => (await panel.locator('[data-baseline]').textContent()) === 'median of 10 successful runs',
    );
    expect(await cell.textContent()).toContain('+80 (+80%)');

    // And to a run by id: night 3.
    await panel.locator('select').selectOption('run');
    const night3 = runs[8]!;
    await panel.locator('input').fill(String(night3.id));
    await panel.locator('input').press('Enter');
    await waitFor(
      'run 3 as the baseline',
      async () => (await panel.locator('[data-baseline]').textContent()) === `run #${night3.id} (success)`,
    );
    expect(await cell.textContent()).toContain('+77');
    expect(problems).toEqual([]);

    // The pipeline page marks the odd run in its history, and only it.
    await page.goto(`${server.url}/pipelines/e2e/compare`);
    const marks = page.locator('outside-mark [data-outside]');
    await waitFor('an unusual-run mark', async () => (await marks.count()) > 0);
    expect(await marks.count()).toBe(1);
    expect(
      await page.locator(`tr[data-run-id="${latest.id}"] outside-mark [data-outside]`).getAttribute('data-outside'),
    ).toBe('created');
    await screenshot(page, 'pipeline-unusual-run');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
