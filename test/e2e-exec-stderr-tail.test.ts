// A bash job that fails under `runboard exec`: the run page shows why, the command's last stderr lines in a block
// near the top (hostile text as text), and its error-looking stderr line counted in the run's errors. A real
// `runboard start`, the real CLI in a child process, and Chromium.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page as ApiPage, RunView } from '../shared/api.js';
import { launchBrowser, openPage, screenshot } from './support/browser.js';
import { COUNT_IMAGES, PWNED } from './support/page-scripts.js';
import { startRunboardProcess, type RunboardProcess } from './support/runboard-process.js';
import { waitFor } from './support/run-writer.js';
import { ensureUiBuilt } from './support/ui-build.js';
import { killLeftovers, spawnTs } from './fixtures/logger-run-file.js';

// Runs in the page only (the test project has no DOM types).
declare const getComputedStyle: (el: unknown) => { overflowY: string; whiteSpace: string };

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
// The CLI is moving to app/ (issue 8 reorganisation); run whichever is there.
const CLI = 'app/cli.ts';

let server: RunboardProcess;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  [server, browser] = await Promise.all([startRunboardProcess(), launchBrowser()]);
}, 180_000);
afterEach(killLeftovers);
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('a failed exec run on the run page', () => {
  it('shows the exit as the headline, the stderr tail as a block, and counts the ERROR line', async () => {
    const script = [
      'echo "starting upload"',
      'echo "uploading 12 files" >&2',
      `echo '${HOSTILE}' >&2`,
      'echo "ERROR: upload to s3 failed" >&2',
      'exit 3',
    ].join('\n');
    const exec = spawnTs(
      CLI,
      [
        'exec',
        '--club',
        'e2e',
        '--pipeline',
        's3-upload',
        '--runs-dir',
        server.runsDir,
        '--quiet',
        '--',
        'bash',
        '-c',
        script,
      ],
      { RUNBOARD_EXEC_RUN: '', RUNBOARD_RUNS_DIR: '' },
    );
    expect((await exec.finished).code).toBe(3);

    const run = await waitFor('the failed run ingested', async () => {
      const response = await fetch(`${server.url}/api/runs?pipeline=s3-upload`);
      const page = (await response.json()) as ApiPage<RunView>;
      const found = page.items[0];
      return found?.status === 'failure' && found.errorCount === 1 ? found : undefined;
    });

    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/runs/${run.id}`);
    const tailBox = page.locator('run-header [data-stderr-tail]');
    await tailBox.waitFor();
    expect(await tailBox.locator('[data-headline]').textContent()).toBe('exited with code 3');
    const block = tailBox.locator('pre');
    // Newlines kept, each line as the command wrote it, the hostile one as text.
    expect(await block.textContent()).toBe(`uploading 12 files\n${HOSTILE}\nERROR: upload to s3 failed`);
    expect(await block.evaluate((el) => getComputedStyle(el).overflowY)).toBe('auto');
    expect(await block.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
    expect(await page.evaluate<number>(COUNT_IMAGES)).toBe(0);
    expect(await page.evaluate<unknown>(PWNED)).toBeUndefined();

    // Near the top: the block sits inside the first card, above the steps, errors and log.
    const blockTop = (await block.boundingBox())!.y;
    const errorsTop = (await page.locator('#errors').boundingBox())!.y;
    expect(blockTop).toBeLessThan(errorsTop);

    // The ERROR line is the run's one error, and the errors list shows it.
    const errors = page.locator('#errors');
    expect(await errors.locator('.errors-head .muted').textContent()).toBe('1');
    const items = errors.locator('run-errors li');
    await items.first().waitFor();
    expect(await items.count()).toBe(1);
    expect(await items.first().locator('.message').textContent()).toBe('ERROR: upload to s3 failed');
    await screenshot(page, 'exec-stderr-tail');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
