// Absolute links use the public URL: the config file's `publicUrl`, or `--public-url`, which wins over it. A real
// daemon sends a real webhook (its runUrl), serves the URL in GET /api/config, and a real `runboard tail` prints it
// after the run's headers and in its closing summary. The pure parts (precedence, link shapes) are checked first.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { absoluteLink, effectivePublicUrl } from '../app/public-url.js';
import { formatLine, runLink, summaryText } from '../app/tail/format.js';
import type { ConfigView, LogLineView, PipelineSummary, RunView } from '../shared/api.js';
import { startRun } from '../shared/run-logger.js';
import { killChildren, spawnRunboard } from './fixtures/live-child-process.js';
import { waitFor } from './fixtures/live-wait.js';
import { waitFor as waitUntil } from './support/run-writer.js';

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await killChildren();
  for (const server of servers.splice(0)) server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the public URL, pure', () => {
  it('takes the flag over the config file, and drops trailing slashes', () => {
    expect(effectivePublicUrl('https://flag.example/', 'https://file.example')).toBe('https://flag.example');
    expect(effectivePublicUrl(null, 'https://file.example/dash/')).toBe('https://file.example/dash');
    expect(effectivePublicUrl(null, undefined)).toBeNull();
    expect(absoluteLink('https://file.example/dash/', '/runs/3')).toBe('https://file.example/dash/runs/3');
  });

  it('puts links after run headers, error lines and the summary, and nowhere without a link base', () => {
    const run = { id: 12, club: 'rondo', pipeline: 'people' };
    const line = (fields: Partial<LogLineView>): LogLineView => ({
      id: 1,
      runId: 12,
      offset: 345,
      time: Date.UTC(2026, 0, 1, 14, 3, 22, 120),
      level: 30,
      event: null,
      step: null,
      msg: 'hello',
      data: null,
      ...fields,
    });
    const options = { color: false, utc: true, linkBase: 'https://dash.example/' };
    expect(formatLine(line({ event: 'run.start', msg: 'run started' }), { run }, options)).toBe(
      '[14:03:22.120] [rondo/people #12] ── run started ──  https://dash.example/runs/12',
    );
    expect(formatLine(line({ level: 50, msg: 'push failed' }), { run }, options)).toBe(
      '[14:03:22.120] ERROR [rondo/people #12] push failed  https://dash.example/runs/12?line=345',
    );
    expect(formatLine(line({}), { run }, options)).toBe('[14:03:22.120] INFO  [rondo/people #12] hello');
    expect(formatLine(line({ event: 'run.end', msg: 'run ended' }), { run }, { color: false, utc: true })).toBe(
      '[14:03:22.120] [rondo/people #12] ── run ended ──',
    );
    const view = {
      ...run,
      status: 'failure',
      durationMs: 4200,
      counts: { created: 0, updated: 0, skipped: 0, failed: 0 },
      errorCount: 1,
      endReason: null,
    } as RunView;
    expect(summaryText(view, 'https://dash.example')).toBe(
      'run rondo/people #12 failure in 4.2 s, 1 error  https://dash.example/runs/12',
    );
    // A hostile base (from a daemon's answer) is printed escaped, like everything else from the wire.
    expect(runLink('https://x.example/\u001b[2J', 1)).toBe('https://x.example/\\x1b[2J/runs/1');
  });
});

async function webhookReceiver(): Promise<{ url: string; bodies: Array<{ runId: string | null; runUrl: string }> }> {
  const bodies: Array<{ runId: string | null; runUrl: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      bodies.push(JSON.parse(body) as { runId: string | null; runUrl: string });
      res.statusCode = 204;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

/** A daemon with a webhook on `failed`, and a pipeline that succeeds once and then fails: the alert's runUrl. */
async function failingRunAlert(extraArgs: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-public-url-'));
  dirs.push(dir);
  const hook = await webhookReceiver();
  const file = join(dir, 'runboard.yaml');
  writeFileSync(
    file,
    `publicUrl: https://file.example/dash/
alerts:
  channels:
    - { name: hook, type: webhook, url: "${hook.url}" }
  rules:
    - { channels: [hook], on: [failed] }
`,
  );
  const runsDir = join(dir, 'runs');
  const child = spawnRunboard([
    'start',
    '--port',
    '0',
    '--runs-dir',
    runsDir,
    '--db',
    join(dir, 'db', 'dashboard.sqlite'),
    '--config',
    file,
    ...extraArgs,
  ]);
  const url = await child.waitReady();
  const healthState = async () =>
    ((await (await fetch(`${url}/api/pipelines`)).json()) as PipelineSummary[]).find((p) => p.pipeline === 'sync')
      ?.health?.state;
  const ok = startRun({ pipeline: 'sync', club: 'acme', runsDir, handleProcessEnd: false });
  await ok.end();
  await waitUntil('ok after the first run', async () => (await healthState()) === 'ok');
  const failed = startRun({ pipeline: 'sync', club: 'acme', runsDir, handleProcessEnd: false });
  await failed.end({ outcome: 'failure' });
  await waitFor(() => hook.bodies.length >= 1, 'the failed alert', { timeoutMs: 30_000 });
  const config = (await (await fetch(`${url}/api/config`)).json()) as ConfigView;
  return { url, alert: hook.bodies[0]!, config };
}

describe('the public URL in a real daemon', () => {
  it("uses the config file's publicUrl in alerts, GET /api/config and runboard tail", async () => {
    const { url, alert, config } = await failingRunAlert([]);
    expect(alert.runId).not.toBeNull();
    expect(alert.runUrl).toBe(`https://file.example/dash/runs/${alert.runId}`);
    expect(config.publicUrl).toBe('https://file.example/dash');

    const tail = spawnRunboard(['tail', '--url', url, '--pipeline', 'sync', '--run', 'latest']);
    expect((await tail.exited).code).toBe(0);
    expect(tail.stdout()).toContain(`── run failure ──  https://file.example/dash/runs/${alert.runId}`);
    expect(tail.stderr()).toMatch(new RegExp(`, 0 errors  https://file\\.example/dash/runs/${alert.runId}\\n$`));
  }, 90_000);

  it('lets --public-url win over the config file', async () => {
    const { alert, config } = await failingRunAlert(['--public-url', 'https://flag.example/']);
    expect(alert.runUrl).toBe(`https://flag.example/runs/${alert.runId}`);
    expect(config.publicUrl).toBe('https://flag.example');
  }, 90_000);
});
