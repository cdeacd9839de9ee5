// Web UI budget, measured (not asserted): JS shipped (gzip), time to first meaningful render of the overview and
// of a 100,000-line run page in Debian chromium against a real `runboard start`, and the log viewer's DOM row
// count while scrolling that run. `npx tsx bench/web.ts` (also part of `npm run bench`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page as ApiPage, RunView } from '../shared/api.js';
import { launchBrowser } from '../test/support/browser.js';
import { scrollSize, scrollTo } from '../test/support/page-scripts.js';
import { startRunboardProcess } from '../test/support/runboard-process.js';
import { beginRun, finishedRun, waitFor } from '../test/support/run-writer.js';
import { ensureUiBuilt, repoRoot } from '../test/support/ui-build.js';

const TRIALS = 5;
const LOG_LINES = 100_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Milliseconds from navigation start until `selector` (searched through shadow roots) matches `count` nodes. */
function renderedWhen(selector: string, count: number): string {
  return `(() => {
    let found = 0;
    const visit = (root) => {
      found += root.querySelectorAll(${JSON.stringify(selector)}).length;
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
    };
    visit(document);
    return found >= ${count} ? performance.now() : false;
  })()`;
}

// ---- JS shipped ----
ensureUiBuilt();
const assets = join(repoRoot, 'dist', 'web', 'assets');
const html = readFileSync(join(repoRoot, 'dist', 'web', 'index.html'), 'utf8');
let initialGz = 0;
let lazyGz = 0;
console.log('asset                                  raw        gzip -9   loaded');
for (const name of readdirSync(assets)
  .filter((n) => n.endsWith('.js') || n.endsWith('.css'))
  .sort()) {
  const body = readFileSync(join(assets, name));
  const gz = gzipSync(body, { level: 9 }).length;
  const initial = html.includes(name);
  if (name.endsWith('.js')) {
    if (initial) initialGz += gz;
    else lazyGz += gz;
  }
  console.log(
    `${name.padEnd(38)} ${kib(body.length).padStart(10)} ${kib(gz).padStart(10)}   ${initial ? 'initially' : 'on demand'}`,
  );
}
console.log(`JS gzip: ${kib(initialGz)} initially (every page), +${kib(lazyGz)} on the pipeline page (uPlot)`);

// ---- a server with data ----
const server = await startRunboardProcess();
const browser = await launchBrowser();
try {
  for (const club of ['north', 'south', 'east']) {
    for (let p = 0; p < 10; p++) {
      for (let r = 0; r < 3; r++) await finishedRun(server.runsDir, club, `pipeline-${p}`, {});
    }
  }
  const long = beginRun(server.runsDir, 'bench', 'long-log');
  for (let i = 1; i <= LOG_LINES; i++) long.log.info({ i, member: `m-${i % 977}` }, `line ${i}`);
  await long.end({});
  const runId = await waitFor(
    'the long run ingested',
    async () => {
      const page = (await (await fetch(`${server.url}/api/runs?pipeline=long-log`)).json()) as ApiPage<RunView>;
      const run = page.items[0];
      return run && run.logCount >= LOG_LINES && run.status === 'success' ? run.id : undefined;
    },
    120_000,
  );
  await waitFor(
    '31 pipelines',
    async () => ((await (await fetch(`${server.url}/api/pipelines`)).json()) as unknown[]).length === 31,
    60_000,
  );

  // ---- first meaningful render ----
  const overview: number[] = [];
  const runPage: number[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    // A fresh context each time: nothing cached, like a first visit. (CSP bypassed only so the polling
    // predicate below may be evaluated in the page; the app itself runs the same either way.)
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/`, { waitUntil: 'commit' });
    overview.push(
      Number(
        await (await page.waitForFunction(renderedWhen('pipeline-row', 31), undefined, { polling: 'raf' })).jsonValue(),
      ),
    );
    await context.close();

    const context2 = await browser.newContext({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
    const page2 = await context2.newPage();
    await page2.goto(`${server.url}/runs/${runId}`, { waitUntil: 'commit' });
    runPage.push(
      Number(
        await (
          await page2.waitForFunction(renderedWhen('a.row[data-offset]', 20), undefined, { polling: 'raf' })
        ).jsonValue(),
      ),
    );
    await context2.close();
  }
  console.log(`\nfirst meaningful render (ms from navigation start, ${TRIALS} cold loads, localhost):`);
  console.log(
    `  overview, 31 pipelines in 4 clubs:   median ${median(overview).toFixed(0)}  min ${Math.min(...overview).toFixed(0)}  max ${Math.max(...overview).toFixed(0)}`,
  );
  console.log(
    `  run page, ${LOG_LINES.toLocaleString('en')} log lines:   median ${median(runPage).toFixed(0)}  min ${Math.min(...runPage).toFixed(0)}  max ${Math.max(...runPage).toFixed(0)}`,
  );

  // ---- DOM rows while scrolling the 100,000-line run ----
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${server.url}/runs/${runId}`);
  const viewport = page.locator('log-viewer .viewport');
  const rows = page.locator('log-viewer .row');
  await rows.first().waitFor();
  const counts: number[] = [];
  // Scroll up to the top repeatedly (older pages load), then sweep through everything loaded.
  const upStart = Date.now();
  for (let i = 0; i < 40; i++) {
    await viewport.evaluate(scrollTo, 0);
    await page.waitForTimeout(60);
    counts.push(await rows.count());
  }
  const upMs = Date.now() - upStart;
  const loaded = Number((await viewport.getAttribute('data-row-count')) ?? 0);
  const { scrollHeight, clientHeight } = await viewport.evaluate(scrollSize);
  for (let i = 0; i <= 100; i++) {
    await viewport.evaluate(scrollTo, Math.floor(((scrollHeight - clientHeight) * i) / 100));
    await page.waitForTimeout(16);
    counts.push(await rows.count());
  }
  console.log(
    `\nlog viewer while scrolling (${counts.length} positions, ${loaded.toLocaleString('en')} rows loaded after 40 scrolls to the top in ${upMs} ms):`,
  );
  console.log(
    `  rows in the DOM: max ${Math.max(...counts)}, min ${Math.min(...counts)} (viewport ${clientHeight}px, 20px rows, 20 rows overscan each side)`,
  );
  await context.close();
} finally {
  await browser.close();
  await server.dispose();
}
