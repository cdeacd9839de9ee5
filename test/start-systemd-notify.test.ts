// Type=notify readiness: with NOTIFY_SOCKET set, `runboard start` runs `systemd-notify --ready` only once
// /api/ready answers 200, and STOPPING=1 on SIGTERM. A stand-in systemd-notify on PATH records its calls.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, spawnRunboard } from './fixtures/live-child-process.js';
import { waitFor } from './fixtures/live-wait.js';

const dirs: string[] = [];
afterEach(async () => {
  await killChildren();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface NotifyCall {
  args: string[];
  notifySocket: string | undefined;
  /** Status of /api/ready at the moment of the call, when a URL was in the status. */
  readyStatus: number | null;
}

describe('systemd readiness', () => {
  it('notifies READY only once /api/ready is 200, and STOPPING on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runboard-notify-'));
    dirs.push(dir);
    const bin = join(dir, 'bin');
    const record = join(dir, 'calls.ndjson');
    const script = join(bin, 'systemd-notify');
    // The stand-in asks the daemon whether it is ready at the very moment it is told so.
    mkdirSync(bin);
    writeFileSync(
      script,
      `#!${process.execPath}
const { appendFileSync } = require('node:fs');
const args = process.argv.slice(2);
const status = args.find((a) => a.startsWith('--status=listening on '));
const url = status ? status.slice('--status=listening on '.length) : null;
(url ? fetch(url + '/api/ready').then((r) => r.status, () => -1) : Promise.resolve(null)).then((readyStatus) => {
  appendFileSync(${JSON.stringify(record)}, JSON.stringify({ args, notifySocket: process.env.NOTIFY_SOCKET, readyStatus }) + '\\n');
});
`,
    );
    chmodSync(script, 0o755);

    const started = spawnRunboard(
      ['start', '--port', '0', '--runs-dir', join(dir, 'runs'), '--db', join(dir, 'db', 'dashboard.sqlite')],
      { env: { NOTIFY_SOCKET: '/run/systemd/notify-test', PATH: `${bin}:${process.env.PATH ?? ''}` } },
    );
    // Only whole lines: the stand-in may be half-way through appending one when the test looks.
    const calls = (): NotifyCall[] =>
      existsSync(record)
        ? readFileSync(record, 'utf8')
            .split('\n')
            .slice(0, -1)
            .map((line) => JSON.parse(line) as NotifyCall)
        : [];
    const url = await started.waitReady();
    await waitFor(() => calls().length === 1, 'the READY notification');
    expect(calls()[0]).toEqual({
      args: ['--ready', `--status=listening on ${url}`],
      notifySocket: '/run/systemd/notify-test',
      readyStatus: 200,
    });

    started.child.kill('SIGTERM');
    expect((await started.exited).code).toBe(0);
    await waitFor(() => calls().length === 2, 'the STOPPING notification');
    expect(calls()[1]).toMatchObject({ args: ['STOPPING=1'] });
  });
});
