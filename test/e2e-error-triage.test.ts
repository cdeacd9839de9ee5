// The errors page helps triage (issue 10, item 13): group titles that name what varies, groups narrowed to a
// record, acknowledging a group until it happens again, and the overview's "N errors" leading to exactly those
// errors. A real browser against a real `runboard start` fed by real run files; conditions are polled.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './support/browser.js';
import { startRunboardProcess, type RunboardProcess } from './support/runboard-process.js';
import { beginRun, finishedRun, waitFor } from './support/run-writer.js';
import { ensureUiBuilt } from './support/ui-build.js';

let server: RunboardProcess;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  [server, browser] = await Promise.all([startRunboardProcess(), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

const error = (identifier: string, message: string) => ({ identifier, system: 'crm', message });

async function groupCount(club: string, expected: number): Promise<void> {
  await waitFor(`${expected} groups of ${club}`, async () => {
    const response = await fetch(`${server.url}/api/errors/groups?club=${club}&since=0`);
    return ((await response.json()) as { groups: unknown[] }).groups.length === expected;
  });
}

/** What the test reads of an element in the page (the test's tsconfig has no DOM types). */
interface ShownElement {
  innerText: string;
  querySelector(selector: string): ShownElement | null;
}

/** Each card's title and count, read in one go (a re-render between reads must not mix two lists). */
function cards(page: Page): Promise<Array<{ title: string; count: string; text: string }>> {
  return page.locator('errors-page error-group-card article').evaluateAll((articles: ShownElement[]) =>
    articles.map((a) => ({
      title: a.querySelector('.title')?.innerText ?? '',
      count: a.querySelector('.count')?.innerText ?? '',
      text: a.innerText,
    })),
  );
}

async function waitCards(page: Page, what: string, check: (shown: Awaited<ReturnType<typeof cards>>) => boolean) {
  await waitFor(what, async () => {
    const shown = await cards(page);
    if (check(shown)) return true;
    throw new Error(`shown: ${JSON.stringify(shown)}`);
  });
}

describe('group titles', () => {
  it('name the numbers a group varies on, as the fingerprint does, and keep one real message in view', async () => {
    await finishedRun(server.runsDir, 'titled', 'sync', {
      errors: [error('m-1', 'Timed out after 1500 ms'), error('m-2', 'Timed out after 2300 ms')],
    });
    await groupCount('titled', 1);
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/errors?club=titled`);
    await waitCards(page, 'one titled card', (shown) => shown.length === 1 && shown[0]!.title !== '');
    const [card] = await cards(page);
    await screenshot(page, 'errors-titled');
    expect(card!.title).toBe('Timed out after N ms');
    expect(card!.count).toBe('2×');
    expect(card!.text).toMatch(/Timed out after (1500|2300) ms/);
    expect(await page.locator('errors-page error-group-card article').getAttribute('aria-label')).toBe(
      'Error group: Timed out after N ms',
    );
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('filtering by record', () => {
  it('narrows the groups to those the record appears in, counted for that record', async () => {
    await finishedRun(server.runsDir, 'records', 'sync', {
      errors: [error('m-1', 'crm timeout'), error('m-2', 'crm timeout'), error('m-2', 'mail bounced')],
    });
    await finishedRun(server.runsDir, 'records', 'sync', { errors: [error('m-1', 'crm timeout')] });
    await groupCount('records', 2);
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/errors?club=records`);
    await waitCards(page, 'both groups', (shown) => shown.length === 2);
    expect((await cards(page)).map((c) => [c.title, c.count]).sort()).toEqual([
      ['crm timeout', '3×'],
      ['mail bounced', '1×'],
    ]);
    await page.locator('errors-page input[name="identifier"]').fill('m-1');
    await page.locator('errors-page input[name="identifier"]').press('Enter');
    await waitFor('the record in the URL', () => new URL(page.url()).searchParams.get('identifier') === 'm-1');
    await waitCards(page, "m-1's one group", (shown) => shown.length === 1);
    expect((await cards(page)).map((c) => [c.title, c.count])).toEqual([['crm timeout', '2×']]);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('acknowledging a group', () => {
  it('is stored with who and when, shown, filterable, and undone by a newer occurrence', async () => {
    await finishedRun(server.runsDir, 'acked', 'sync', { errors: [error('m-1', 'ledger down')] });
    await finishedRun(server.runsDir, 'acked', 'sync', { errors: [error('m-2', 'mail bounced')] });
    await groupCount('acked', 2);
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/errors?club=acked`);
    await waitCards(page, 'two groups', (shown) => shown.length === 2);
    const ledger = page.locator('errors-page error-group-card', { hasText: 'ledger down' });
    await ledger.locator('button.ack').click();
    const acked = ledger.locator('.acked');
    await acked.waitFor();
    await screenshot(page, 'errors-acknowledged');
    expect(await acked.innerText()).toMatch(
      /^Acknowledged by local user \(no token\) at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    );

    // Stored: a reload still shows it.
    await page.reload();
    await acked.waitFor();

    const hide = page.locator('errors-page input.hide-acked');
    await hide.check();
    await waitFor('hidden in the URL', () => new URL(page.url()).searchParams.get('acked') === 'hide');
    await waitCards(page, 'only the open group', (shown) => shown.length === 1 && shown[0]!.title === 'mail bounced');
    await hide.uncheck();
    await waitCards(page, 'both again', (shown) => shown.length === 2);
    await acked.waitFor();

    // A newer occurrence: the group is open again, live.
    await finishedRun(server.runsDir, 'acked', 'sync', { errors: [error('m-3', 'ledger down')] });
    await waitFor('the acknowledgement undone', async () => (await acked.count()) === 0, 30_000);
    expect(await ledger.locator('button.ack').count()).toBe(1);

    // Acknowledged again, then taken back.
    await ledger.locator('button.ack').click();
    await acked.waitFor();
    await ledger.locator('button.unack').click();
    await waitFor('taken back', async () => (await acked.count()) === 0);
    await page.reload();
    await waitCards(page, 'two groups after reload', (shown) => shown.length === 2);
    expect(await acked.count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 90_000);
});

describe('the overview\'s "N errors"', () => {
  it('links to exactly the errors it counts', async () => {
    await finishedRun(server.runsDir, 'badged', 'sync', { errors: [error('m-1', 'old failure')] });
    await finishedRun(server.runsDir, 'badged', 'sync', {
      errors: [error('m-1', 'crm timeout'), error('m-2', 'crm timeout'), error('m-3', 'mail bounced')],
    });
    // A run still going, with an error of its own: not one of the open errors the badge counts.
    const running = beginRun(server.runsDir, 'badged', 'sync');
    running.error({ identifier: 'm-9', system: 'crm', err: new Error('crm timeout') });
    await groupCount('badged', 3);
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/?club=badged`);
    const badge = page.locator('pipeline-row [data-pipeline="sync"] .errors a');
    await waitFor('the badge', async () => (await badge.count()) === 1 && /3 errors/.test(await badge.innerText()));
    const counted = Number(/(\d+) errors?/.exec(await badge.innerText())![1]);
    await badge.click();
    await waitFor('the errors page', () => new URL(page.url()).pathname === '/errors');
    const total = page.locator('errors-page .total');
    await total.waitFor();
    await waitFor('the total', async () => (await total.getAttribute('data-total')) !== null);
    expect(Number(await total.getAttribute('data-total'))).toBe(counted);
    expect(await total.innerText()).toMatch(new RegExp(`^${counted} errors in 2 groups`));
    await waitCards(page, 'the two groups of that run', (shown) => shown.length === 2);
    expect((await cards(page)).map((c) => [c.title, c.count]).sort()).toEqual([
      ['crm timeout', '2×'],
      ['mail bounced', '1×'],
    ]);
    expect(await page.locator('errors-page tr[data-error-id]').count()).toBe(counted);
    expect(problems).toEqual([]);
    await running.end({});
    await page.context().close();
  }, 60_000);
});
