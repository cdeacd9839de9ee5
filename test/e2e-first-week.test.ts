// What a new operator hit in the web UI in their first week (issue 10, bugs 1–9), each in a real browser
// against a real `runboard start` fed by real run files. Conditions are polled, never slept on.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Page as ApiPage, RunView } from '../shared/api.js';
import { openPage, screenshot } from './support/browser.js';
import { PAGE_WIDTHS, typeThenPickLevel } from './e2e/deep-dom.js';
import { renderedLineNumbers, renderedRows } from './e2e/log-rows.js';
import { scrollTo } from './support/page-scripts.js';
import type { RunboardProcess } from './support/runboard-process.js';
import { beginRun, finishedRun, waitFor } from './support/run-writer.js';
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

function searchParam(page: Page, name: string): string | null {
  return new URL(page.url()).searchParams.get(name);
}

/** A run whose writer died without a run.end: the run file of a process that has exited, on this host. */
function writeAbandonedRun(pipeline: string): void {
  const scratch = mkdtempSync(join(tmpdir(), 'runboard-week-'));
  try {
    const run = beginRun(scratch, 'week', pipeline);
    for (let i = 1; i <= 5; i++) run.log.info(`line ${i}`);
    const file = run.file as string;
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const text = readFileSync(file, 'utf8').replaceAll(`"pid":${process.pid}`, `"pid":${deadPid}`);
    const target = join(server.runsDir, relative(scratch, file));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function logStatus(page: Page): Promise<string> {
  return page.locator('log-viewer .status').innerText();
}

useBrowserSuite((started) => ({ server, browser } = started));

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

describe('bug 4: live wording only where lines can still arrive', () => {
  it('does not say "following live" or offer "Jump to live" on a finished run', async () => {
    const run = beginRun(server.runsDir, 'week', 'finished-long');
    for (let i = 1; i <= 300; i++) run.log.info(`line ${i}`);
    await run.end({});
    const runId = await runIdOf('finished-long');
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await page.locator('run-header status-badge[tone="success"]').waitFor();
    await waitFor('line 300', async () => (await renderedLineNumbers(page)).includes(300));
    await waitFor('the status line to say the run ended', async () => /run ended/.test(await logStatus(page)));
    expect(await logStatus(page)).not.toMatch(/live|follow/i);

    await page.locator('log-viewer .viewport').evaluate(scrollTo, 0);
    const jump = page.locator('log-viewer button.jump');
    await jump.waitFor();
    expect(await jump.innerText()).not.toMatch(/live/i);
    expect(await logStatus(page)).not.toMatch(/live|follow|paused/i);
    await jump.click();
    await waitFor('back at the end', async () => (await jump.count()) === 0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('does not say "following live" on an abandoned run', async () => {
    writeAbandonedRun('abandoned-writer');
    const runId = await runIdOf('abandoned-writer');
    await waitFor('the run to be abandoned', async () => {
      const response = await fetch(`${server.url}/api/runs/${runId}`);
      return ((await response.json()) as RunView).status === 'abandoned';
    });
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await waitFor('line 5', async () => (await renderedLineNumbers(page)).includes(5));
    await waitFor('the status line to say the run ended', async () => /run ended/.test(await logStatus(page)));
    expect(await logStatus(page)).not.toMatch(/live|follow/i);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('does not say "following live" on a running run while the browser is offline', async () => {
    const run = beginRun(server.runsDir, 'week', 'running-offline');
    run.log.info('line 1');
    const runId = await runIdOf('running-offline');
    const { page } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await waitFor('line 1', async () => (await renderedLineNumbers(page)).includes(1));
    await waitFor('following live', async () => /following live/.test(await logStatus(page)));
    await page.context().setOffline(true);
    await waitFor('the status line to drop "live"', async () => !/live|follow/i.test(await logStatus(page)));
    await page.context().setOffline(false);
    await waitFor('following live again', async () => /following live/.test(await logStatus(page)));
    await run.end({});
    await page.context().close();
  });
});

describe('bug 8: unknown addresses', () => {
  it('says an unknown pipeline does not exist', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/pipelines/rondo/nonexistent`);
    await page.getByRole('heading', { name: /doesn.t exist/ }).waitFor();
    expect(await page.getByText('No runs yet').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('fetches an unknown run and its errors once each', async () => {
    const { page } = await openPage(browser);
    const requested: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/api/runs/999999')) requested.push(path);
    });
    await page.goto(`${server.url}/runs/999999`);
    await page.getByText('Run 999999 not found').waitFor();
    // The socket's first hello asks every view to resync: by the time it is live, that has happened.
    await page.locator('connection-indicator [data-state="live"]').waitFor();
    expect(requested.filter((p) => p === '/api/runs/999999')).toHaveLength(1);
    expect(requested.filter((p) => p === '/api/runs/999999/errors')).toHaveLength(1);
    await page.context().close();
  });
});

describe('bug 3: chart ranges', () => {
  it('charts a pipeline with one run over a range from its data, not years', async () => {
    await finishedRun(server.runsDir, 'week', 'single-run');
    const runId = await runIdOf('single-run');
    const run = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as RunView;
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/pipelines/week/single-run`);
    const charts = page.locator('time-chart[data-x-min]');
    await waitFor('both charts drawn', async () => (await charts.count()) === 2);
    const day = 86_400;
    for (const chart of await charts.all()) {
      const min = Number(await chart.getAttribute('data-x-min'));
      const max = Number(await chart.getAttribute('data-x-max'));
      const started = run.startedAt! / 1000;
      expect(min).toBeLessThan(started);
      expect(max).toBeGreaterThan(started);
      expect(max - min).toBeLessThanOrEqual(2 * day);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('bug 5: the club filter sticks', () => {
  it('keeps the chosen club across the overview, pipeline and run pages, the Overview link and a new visit', async () => {
    await finishedRun(server.runsDir, 'week-a', 'sticky');
    await finishedRun(server.runsDir, 'week-b', 'other');
    const runId = await runIdOf('sticky');
    await runIdOf('other');
    const { page, problems } = await openPage(browser);
    const clubSelect = page.locator('club-filter select');
    const overviewLink = page.locator('runboard-app nav a', { hasText: 'Overview' });

    await page.goto(`${server.url}/`);
    await page.locator('pipeline-row [data-pipeline="other"]').waitFor();
    await clubSelect.selectOption('week-a');
    await waitFor('the club in the URL', () => searchParam(page, 'club') === 'week-a');

    await page.goto(`${server.url}/pipelines/week-a/sticky`);
    await page.locator('pipeline-page tr[data-run-id]').first().waitFor();
    expect(await clubSelect.inputValue()).toBe('week-a');

    await page.goto(`${server.url}/runs/${runId}`);
    await page.locator('run-header').waitFor();
    expect(await clubSelect.inputValue()).toBe('week-a');
    expect(await overviewLink.getAttribute('href')).toBe('/?club=week-a');
    await overviewLink.click();
    await waitFor('the overview of the chosen club', () => searchParam(page, 'club') === 'week-a');
    await page.locator('pipeline-row [data-pipeline="sticky"]').waitFor();
    expect(await page.locator('pipeline-row [data-pipeline="other"]').count()).toBe(0);

    // A new visit to the bare address keeps the choice (localStorage).
    await page.goto(`${server.url}/`);
    await waitFor('the stored club in the URL', () => searchParam(page, 'club') === 'week-a');
    expect(await clubSelect.inputValue()).toBe('week-a');

    // Until changed.
    await clubSelect.selectOption('');
    await waitFor('all clubs', () => searchParam(page, 'club') === null);
    await page.goto(`${server.url}/`);
    await page.locator('pipeline-row [data-pipeline="other"]').waitFor();
    expect(searchParam(page, 'club')).toBe(null);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('bug 6: filter changes and history', () => {
  it('pushes a history entry per filter change, one per search typed, so Back undoes a filter', async () => {
    const run = beginRun(server.runsDir, 'week', 'history');
    run.log.info('member-1 saved');
    run.log.warn('member-2 slow');
    run.log.warn('crm slow');
    await run.end({});
    const runId = await runIdOf('history');
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${runId}`);
    await waitFor('the last line', async () => (await renderedRows(page)).some((r) => r.msg === 'crm slow'));
    const level = page.locator('log-viewer select[aria-label="Minimum level"]');
    const search = page.locator('log-viewer input[type="search"]');

    await level.selectOption('warn');
    await waitFor('the level in the URL', () => searchParam(page, 'level') === 'warn');
    await search.pressSequentially('mem');
    await waitFor('the first search in the URL', () => searchParam(page, 'q') === 'mem');
    await search.pressSequentially('ber');
    await waitFor('the whole search in the URL', () => searchParam(page, 'q') === 'member');
    await waitFor('one line', async () => (await renderedRows(page)).length === 1);

    await page.goBack();
    await waitFor('the search undone', () => searchParam(page, 'q') === null);
    expect(searchParam(page, 'level')).toBe('warn');
    await waitFor('both warnings', async () => (await renderedRows(page)).length === 2);
    expect(await search.inputValue()).toBe('');

    await page.goBack();
    await waitFor('the level undone', () => searchParam(page, 'level') === null);
    expect(new URL(page.url()).pathname).toBe(`/runs/${runId}`);
    await waitFor('every line', async () => (await renderedRows(page)).some((r) => r.msg === 'member-1 saved'));
    expect(await level.inputValue()).toBe('');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('bug 7: failed fetches', () => {
  it('shows the error, the filter that failed and a retry in place of stale data; a failed "Load more" says so', async () => {
    const run = beginRun(server.runsDir, 'week', 'stale-log');
    run.log.info('info line');
    run.log.error('error line');
    await run.end({});
    const runId = await runIdOf('stale-log');
    const errors = Array.from({ length: 101 }, (_, i) => ({
      identifier: 'member-x',
      system: 'crm',
      message: `rejected ${i}`,
    }));
    await finishedRun(server.runsDir, 'week-err', 'many-errors', { errors });
    await finishedRun(server.runsDir, 'week-err', 'few-errors', {
      errors: [{ identifier: 'member-y', system: 'ledger', message: 'ledger down' }],
    });
    await runIdOf('many-errors');
    await runIdOf('few-errors');

    const log = await openPage(browser);
    await log.page.goto(`${server.url}/runs/${runId}`);
    await waitFor('both lines', async () => (await renderedRows(log.page)).length >= 2);
    const list = await openPage(browser);
    await list.page.goto(`${server.url}/errors?club=week-err&identifier=member-x`);
    const loadMore = list.page.locator('errors-page button', { hasText: 'Load more' });
    await loadMore.waitFor();
    const groups = await openPage(browser);
    await groups.page.goto(`${server.url}/errors?club=week-err`);
    await groups.page.locator('error-group-card').first().waitFor();
    const systemSelect = groups.page.locator('errors-page select', { has: groups.page.locator('option[value="crm"]') });
    await waitFor('the systems listed', async () => (await systemSelect.locator('option').count()) === 3);

    await server.stop();
    try {
      await log.page.locator('log-viewer select[aria-label="Minimum level"]').selectOption('error');
      const logAlert = log.page.locator('log-viewer [role="alert"]');
      await logAlert.waitFor();
      expect(await logAlert.innerText()).toMatch(/error\+/);
      expect(await renderedRows(log.page)).toEqual([]);
      // Retry asks again (and fails again while the server is down).
      let retried = false;
      log.page.on('request', (request) => {
        if (request.url().includes(`/api/runs/${runId}/logs`)) retried = true;
      });
      await logAlert.getByRole('button', { name: 'Retry' }).click();
      await waitFor('the retry request', () => retried);
      await logAlert.waitFor();

      await loadMore.click();
      const moreAlert = list.page.locator('errors-page [role="alert"]');
      await moreAlert.waitFor();
      expect(await moreAlert.innerText()).toMatch(/Could not load more/);

      await systemSelect.selectOption('crm');
      const groupsAlert = groups.page.locator('errors-page [role="alert"]');
      await groupsAlert.waitFor();
      expect(await groupsAlert.innerText()).toMatch(/crm/);
      expect(await groupsAlert.getByRole('button', { name: 'Retry' }).count()).toBe(1);
      expect(await groups.page.locator('error-group-card').count()).toBe(0);
    } finally {
      await server.restart();
    }
    await waitFor(
      'the filtered log once the server is back',
      async () => (await renderedRows(log.page)).map((r) => r.msg).join('|') === 'error line',
      60_000,
    );
    await waitFor(
      'the filtered groups once the server is back',
      async () => (await groups.page.locator('error-group-card').count()) === 1,
      60_000,
    );
    for (const watched of [log, list, groups]) {
      expect(watched.problems).toEqual([]);
      await watched.page.context().close();
    }
  }, 120_000);
});

describe('bug 9: favicon, plurals, time zone', () => {
  it('serves a favicon, so no page load gets a 404', async () => {
    const icon = await fetch(`${server.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\//);
    await finishedRun(server.runsDir, 'week-icon', 'icon');
    const runId = await runIdOf('icon');
    const { page, problems } = await openPage(browser);
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 404 && !response.url().includes('/api/')) missing.push(response.url());
    });
    for (const path of ['/', '/pipelines/week-icon/icon', `/runs/${runId}`, '/errors']) {
      await page.goto(server.url + path);
      await page.locator('connection-indicator [data-state="live"]').waitFor();
    }
    const iconHref = await page.locator('link[rel="icon"]').getAttribute('href');
    expect((await fetch(new URL(iconHref ?? '', server.url))).status).toBe(200);
    expect(missing).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('says "1 pipeline", not "1 pipelines"', async () => {
    await finishedRun(server.runsDir, 'week-solo', 'only-one');
    await runIdOf('only-one');
    const { page } = await openPage(browser);
    await page.goto(`${server.url}/?club=week-solo`);
    const club = page.locator('overview-page section[data-club="week-solo"] .club-head');
    await club.waitFor();
    expect(await club.innerText()).toMatch(/\b1 pipeline$/);
    await page.goto(`${server.url}/pipelines/week-solo/only-one`);
    await page.locator('pipeline-page tr[data-run-id]').waitFor();
    expect(await page.locator('pipeline-page .head').innerText()).toMatch(/\b1 run loaded/);
    await page.context().close();
  });

  it('labels the time zone once in the header, with a local/UTC toggle kept across visits', async () => {
    await finishedRun(server.runsDir, 'week', 'zoned');
    const runId = await runIdOf('zoned');
    const run = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as RunView;
    const context = await browser.newContext({
      timezoneId: 'America/Sao_Paulo',
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    const inZone = (timeZone: string) =>
      new Intl.DateTimeFormat('sv-SE', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(run.startedAt!));
    const started = page.locator('run-header dd', { hasText: inZone('America/Sao_Paulo') });
    await page.goto(`${server.url}/runs/${runId}`);
    await started.first().waitFor();
    const label = page.locator('runboard-app header [data-time-zone]');
    expect(await label.count()).toBe(1);
    expect(await label.innerText()).toMatch(/America\/Sao_Paulo/);

    await label.click();
    await waitFor('the label to say UTC', async () => /UTC/.test(await label.innerText()));
    await page
      .locator('run-header dd', { hasText: inZone('UTC') })
      .first()
      .waitFor();
    await page.reload();
    await page
      .locator('run-header dd', { hasText: inZone('UTC') })
      .first()
      .waitFor();
    expect(await label.getAttribute('data-time-zone')).toBe('utc');
    await context.close();
  });
});

describe('bug 2: phone layouts', () => {
  it('fits every page in 360 px without scrolling the page sideways', async () => {
    const errors = [
      {
        identifier: 'member-with-a-rather-long-identifier-0001',
        system: 'membership-administration',
        message:
          'The remote system rejected the update: field "iban" failed validation (checksum mismatch) after 3 attempts',
      },
    ];
    await finishedRun(server.runsDir, 'week-phone', 'phone-sync-with-a-long-pipeline-name', { errors });
    await finishedRun(server.runsDir, 'week-phone', 'phone-sync-with-a-long-pipeline-name', { errors });
    const runId = await runIdOf('phone-sync-with-a-long-pipeline-name');
    const { page, problems } = await openPage(browser, { width: 360, height: 740 });
    const routes: Array<[string, string]> = [
      ['/', 'pipeline-row'],
      ['/?club=week-phone', 'pipeline-row'],
      ['/pipelines/week-phone/phone-sync-with-a-long-pipeline-name', 'time-chart[data-x-min]'],
      [`/runs/${runId}`, 'log-viewer a.row'],
      ['/errors', 'error-group-card'],
      ['/errors?club=week-phone', 'errors-page tr[data-identifier]'],
      [`/errors?identifier=${errors[0]!.identifier}`, 'errors-page tr[data-error-id]'],
      ['/no/such/page', 'runboard-app h1'],
    ];
    const tooWide: string[] = [];
    for (const [path, ready] of routes) {
      await page.goto(server.url + path);
      await page.locator(ready).first().waitFor();
      const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(PAGE_WIDTHS);
      if (scrollWidth > innerWidth) tooWide.push(`${path}: ${scrollWidth} px`);
      await screenshot(page, `phone-360${path.replace(/[^a-z0-9]+/gi, '-')}`);
    }
    expect(tooWide).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
