// `runboard tail` against a real daemon in a child process: a run written by the real run logger is followed with
// `--run latest --exit-status --json` through a connection cut (resumed by cursor) and a daemon restart (refetched
// over REST), and every line of the run file is printed exactly once, in order; the exit code is the run's.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLineView } from '../shared/api.js';
import { startRun } from '../shared/run-logger.js';
import { killChildren, spawnRunboard, type StartedChild } from './fixtures/live-child-process.js';
import { waitFor } from './fixtures/live-wait.js';

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await killChildren();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A TCP proxy in front of the daemon: `cut()` kills every connection, `target` follows a restarted daemon. */
interface Proxy {
  url: string;
  target: number;
  cut(): void;
}

async function startProxy(target: number): Promise<Proxy> {
  const open = new Set<Socket>();
  const proxy: Proxy = {
    url: '',
    target,
    cut() {
      for (const socket of open) socket.destroy();
    },
  };
  const server = createServer((client) => {
    const upstream = connect(proxy.target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  servers.push(server);
  server.on('close', () => proxy.cut());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no proxy port');
  proxy.url = `http://127.0.0.1:${address.port}`;
  return proxy;
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** The byte offset of every line of a run file. */
function lineOffsets(file: string): number[] {
  const bytes = readFileSync(file);
  const offsets: number[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      offsets.push(start);
      start = i + 1;
    }
  }
  return offsets;
}

function printed(tail: StartedChild): LogLineView[] {
  return tail
    .stdout()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogLineView);
}

function printedMessages(tail: StartedChild): string[] {
  return printed(tail).map((line) => line.msg ?? '');
}

describe('runboard tail against a running daemon', () => {
  it('follows a run through a cut connection and a daemon restart, printing every line once, and exits 1 on failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runboard-tail-'));
    dirs.push(dir);
    const runsDir = join(dir, 'runs');
    // The proxy's port differs from the daemon's: allow 127.0.0.1 on any port.
    const daemonArgs = [
      'start',
      '--port',
      '0',
      '--runs-dir',
      runsDir,
      '--db',
      join(dir, 'dashboard.sqlite'),
      '--allowed-host',
      '127.0.0.1',
    ];
    let daemon = spawnRunboard(daemonArgs);
    const proxy = await startProxy(portOf(await daemon.waitReady()));

    const tail = spawnRunboard([
      'tail',
      '--url',
      proxy.url,
      '--pipeline',
      'tailed',
      '--run',
      'latest',
      '--exit-status',
      '--json',
    ]);
    await waitFor(() => tail.stderr().includes('waiting for one to start'), 'tail to wait for a run', {
      timeoutMs: 20_000,
      intervalMs: 20,
    });

    const run = startRun({ pipeline: 'tailed', club: 'club', runsDir, handleProcessEnd: false });
    let written = 0;
    const writeLines = (count: number) => {
      for (let i = 0; i < count; i++) run.log.info({ n: written }, `line ${written++}`);
    };
    const seen = (n: number) => () => printedMessages(tail).includes(`line ${n - 1}`);
    const wait = { timeoutMs: 30_000, intervalMs: 20 };

    await run.step('sync', async (handle) => {
      writeLines(50);
      await waitFor(seen(written), 'the first lines to be printed', wait);

      // 1. The connection is cut mid-run; lines written meanwhile arrive on the resumed stream.
      proxy.cut();
      writeLines(50);
      await waitFor(() => tail.stderr().includes('reconnected; resuming'), 'tail to resume', wait);
      writeLines(50);
      await waitFor(seen(written), 'the lines around the cut', wait);

      // 2. The daemon restarts (another epoch): lines written while it is down are read back over REST.
      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
      writeLines(50);
      daemon = spawnRunboard(daemonArgs);
      proxy.target = portOf(await daemon.waitReady());
      await waitFor(() => tail.stderr().includes('server restarted'), 'tail to catch up after the restart', wait);
      writeLines(50);
      await waitFor(seen(written), 'the lines around the restart', wait);
      handle.count({ created: 3, failed: 1 });
    });
    run.error({ identifier: 'KNVB1', system: 'laposta', err: new Error('push failed') });
    await run.end({ outcome: 'failure', reason: 'one record failed' });

    const exit = await tail.exited;
    expect(exit, `tail stderr: ${tail.stderr()}`).toEqual({ code: 1, signal: null });

    const lines = printed(tail);
    // Every line of the file, once, in file order: run.start, the step, every numbered line, the error, run.end.
    expect(lines.map((line) => line.offset)).toEqual(lineOffsets(run.file as string));
    expect(lines.filter((line) => line.msg?.startsWith('line ')).map((line) => line.msg)).toEqual(
      Array.from({ length: written }, (_, n) => `line ${n}`),
    );
    expect(lines.map((line) => line.event).filter((event) => event !== null)).toEqual([
      'run.start',
      'step.start',
      'step.progress', // the step's count, written at once (live counts)
      'step.end',
      'error',
      'run.end',
    ]);
    expect(new Set(lines.map((line) => line.runId)).size).toBe(1);
    expect(tail.stderr()).toContain('failure');
    expect(tail.stderr().trimEnd().split('\n').at(-1)).toMatch(
      // Without a public URL the link is to the URL tail talks to.
      /^runboard tail: run club\/tailed #(\d+) failure in .*, 1 error: one record failed {2}http:\/\/127\.0\.0\.1:\d+\/runs\/\1$/,
    );
  }, 120_000);

  it('prints a finished run pretty, with control characters escaped, and exits 0 for a success', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runboard-tail-pretty-'));
    dirs.push(dir);
    const runsDir = join(dir, 'runs');
    const run = startRun({ pipeline: 'hostile', club: 'club', runsDir, handleProcessEnd: false });
    await run.step('dl\u001b[2J', (step) => {
      run.log.warn({ payload: 'x\u001b]52;c;aGk=\u0007\u009b31m' }, 'clear\u001b[2J\u001b[31m red');
      step.count({ updated: 4 });
    });
    run.log.info('quiet line');
    await run.end();

    const daemon = spawnRunboard([
      'start',
      '--port',
      '0',
      '--runs-dir',
      runsDir,
      '--db',
      join(dir, 'dashboard.sqlite'),
    ]);
    const url = await daemon.waitReady();
    const tail = spawnRunboard(['tail', '--url', url, '--run', 'latest', '--exit-status', '--level', 'warn'], {
      env: { FORCE_COLOR: '1' },
    });
    const exit = await tail.exited;
    expect(exit, `tail stderr: ${tail.stderr()}`).toEqual({ code: 0, signal: null });
    const out = tail.stdout();
    // eslint-disable-next-line no-control-regex -- no control character at all may reach the terminal (not a TTY: no colours)
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('── step dl\\x1b[2J started ──');
    expect(out).toMatch(/── step dl\\x1b\[2J success in \d+ ms \(~4 updated\) ──/);
    expect(out).toContain(
      'WARN  [club/hostile #1] clear\\x1b[2J\\x1b[31m red {"payload":"x\\u001b]52;c;aGk=\\u0007\\u009b31m"}',
    );
    // --level warn drops the info line but keeps the run's outline.
    expect(out).not.toContain('quiet line');
    expect(out).toContain('── run success ──');
    expect(tail.stderr()).toMatch(
      /run club\/hostile #1 success in .* \(~4 updated\), 0 errors {2}http:\/\/[^ ]+\/runs\/1\n$/,
    );
  }, 60_000);

  it('without --run follows every matching run: --since prints the window first, then live lines, none twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runboard-tail-all-'));
    dirs.push(dir);
    const runsDir = join(dir, 'runs');
    const daemon = spawnRunboard([
      'start',
      '--port',
      '0',
      '--runs-dir',
      runsDir,
      '--db',
      join(dir, 'dashboard.sqlite'),
    ]);
    const url = await daemon.waitReady();

    // Before tail starts: a finished run and a running one of club `a`, and a running one of club `b`.
    const finished = startRun({ pipeline: 'done', club: 'a', runsDir, handleProcessEnd: false });
    finished.log.info('finished line');
    await finished.end();
    const running = startRun({ pipeline: 'long', club: 'a', runsDir, handleProcessEnd: false });
    const other = startRun({ pipeline: 'long', club: 'b', runsDir, handleProcessEnd: false });
    for (let n = 0; n < 20; n++) {
      running.log.info(`a ${n}`);
      other.log.info(`b ${n}`);
    }
    const runsVisible = async () => {
      const runs = (await (await fetch(`${url}/api/runs`)).json()) as { items: Array<{ logCount: number }> };
      return runs.items.length === 3 && runs.items.every((run) => run.logCount >= 2);
    };
    for (const deadline = Date.now() + 20_000; !(await runsVisible());) {
      if (Date.now() > deadline) throw new Error('runs not ingested');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const tail = spawnRunboard(['tail', '--url', url, '--club', 'a', '--since', '10m', '--json']);
    const wait = { timeoutMs: 30_000, intervalMs: 20 };
    await waitFor(() => printedMessages(tail).includes('a 19'), 'the --since window', wait);
    for (let n = 20; n < 60; n++) {
      running.log.info(`a ${n}`);
      other.log.info(`b ${n}`);
    }
    // A run that starts while tail follows is printed from its first line.
    const later = startRun({ pipeline: 'later', club: 'a', runsDir, handleProcessEnd: false });
    later.log.info('later line');
    await later.end();
    await running.end();
    await other.end();
    await waitFor(
      () => ['a 59', 'later line', 'run success'].every((msg) => printedMessages(tail).includes(msg)),
      'the live lines',
      wait,
    );
    await waitFor(() => printed(tail).filter((line) => line.event === 'run.end').length === 3, 'every run.end', wait);
    tail.child.kill('SIGTERM');
    await tail.exited;

    const lines = printed(tail);
    const byRun = new Map<number, LogLineView[]>();
    for (const line of lines) byRun.set(line.runId, [...(byRun.get(line.runId) ?? []), line]);
    expect(byRun.size).toBe(3);
    // Run ids follow ingest order, not creation order: look them up by the runs' own keys.
    const listed = (await (await fetch(`${url}/api/runs`)).json()) as { items: Array<{ id: number; runKey: string }> };
    const idOf = (runKey: string) => listed.items.find((item) => item.runKey === runKey)?.id;
    for (const run of [finished, running, later]) {
      const runId = idOf(run.runId) as number;
      expect(
        byRun.get(runId)?.map((line) => line.offset),
        run.pipeline,
      ).toEqual(lineOffsets(run.file as string));
    }
    expect(lines.some((line) => line.msg?.startsWith('b '))).toBe(false);
  }, 90_000);

  it('sends the token as a bearer header, and stops with exit 2 and one line when it is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runboard-tail-token-'));
    dirs.push(dir);
    const runsDir = join(dir, 'runs');
    const run = startRun({ pipeline: 'guarded', club: 'club', runsDir, handleProcessEnd: false });
    run.log.info('behind a token');
    await run.end();
    const token = 'tail-test-token-0123456789';
    const daemon = spawnRunboard(
      ['start', '--port', '0', '--runs-dir', runsDir, '--db', join(dir, 'dashboard.sqlite')],
      {
        env: { RUNBOARD_TOKEN: token },
      },
    );
    const url = await daemon.waitReady();
    const refused = spawnRunboard(['tail', '--url', url, '--run', 'latest'], { env: { RUNBOARD_TOKEN: '' } });
    const wrong = spawnRunboard(['tail', '--url', url, '--run', 'latest', '--token', 'not-the-token-at-all']);
    const allowed = spawnRunboard(['tail', '--url', url, '--run', 'latest', '--exit-status'], {
      env: { RUNBOARD_TOKEN: token },
    });
    for (const tail of [refused, wrong]) {
      expect((await tail.exited).code).toBe(2);
      expect(tail.stderr()).toMatch(/^runboard tail: .*401.*\(give a token with --token or RUNBOARD_TOKEN\)\n$/);
    }
    expect((await allowed.exited).code, allowed.stderr()).toBe(0);
    expect(allowed.stdout()).toContain('behind a token');
  }, 60_000);
});
