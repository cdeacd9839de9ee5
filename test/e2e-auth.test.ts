// A server with a token: the UI asks for it, logs in (HttpOnly cookie), and the cookie also opens the live socket.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './support/browser.js';
import { startRunboardProcess, type RunboardProcess } from './support/runboard-process.js';
import { beginRun, finishedRun } from './support/run-writer.js';
import { ensureUiBuilt } from './support/ui-build.js';

const TOKEN = 'e2e-secret-token-0123456789';

let server: RunboardProcess;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  [server, browser] = await Promise.all([startRunboardProcess({ token: TOKEN }), launchBrowser()]);
  await finishedRun(server.runsDir, 'guarded', 'nightly', {});
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('token prompt', () => {
  it('asks for the token, rejects a wrong one, and goes live with the right one', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/`);
    const dialog = page.getByRole('dialog', { name: 'Access token required' });
    await dialog.waitFor();
    // Nothing is shown or live before the login.
    expect(await page.locator('pipeline-row').count()).toBe(0);
    expect(await page.locator('connection-indicator [data-state]').getAttribute('data-state')).not.toBe('live');
    await screenshot(page, 'token-prompt');

    await dialog.getByLabel('Token').fill('wrong-token');
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.getByText('That token was not accepted').waitFor();

    await dialog.getByLabel('Token').fill(TOKEN);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('pipeline-row [data-pipeline="nightly"]').waitFor();
    await page.locator('connection-indicator [data-state="live"]').waitFor();

    // The socket is authenticated too: a new run shows up live.
    const run = beginRun(server.runsDir, 'guarded', 'hourly');
    await page.locator('running-run-card', { hasText: 'hourly' }).waitFor();
    await run.end({});
    // The token itself is never readable by the page: it lives in an HttpOnly cookie.
    expect(await page.evaluate<string>('document.cookie')).not.toContain(TOKEN);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('offers to sign in again after the prompt was dismissed', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/errors`);
    const dialog = page.getByRole('dialog', { name: 'Access token required' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const signIn = page.getByRole('button', { name: 'Sign in' });
    await signIn.waitFor();
    await signIn.click();
    await dialog.getByLabel('Token').fill(TOKEN);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Records failing run after run' }).waitFor();
    await page.locator('connection-indicator [data-state="live"]').waitFor();
    expect(await page.getByText('Could not load errors').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
