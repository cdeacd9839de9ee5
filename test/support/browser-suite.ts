// What every browser test file starts with: the UI built, one runboard process and one Chromium for the file,
// both closed after its last test.
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startRunboardProcess, type RunboardProcess } from './runboard-process.js';
import { ensureUiBuilt } from './ui-build.js';

export interface BrowserSuite {
  server: RunboardProcess;
  browser: Browser;
}

/** Registers the file's setup and teardown; `started` receives the server and browser before the first test. */
export function useBrowserSuite(
  started: (suite: BrowserSuite) => void,
  options?: Parameters<typeof startRunboardProcess>[0],
): void {
  let suite: Partial<BrowserSuite> = {};
  beforeAll(async () => {
    ensureUiBuilt();
    const [server, browser] = await Promise.all([startRunboardProcess(options), launchBrowser()]);
    suite = { server, browser };
    started({ server, browser });
  }, 180_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.dispose();
  });
}
