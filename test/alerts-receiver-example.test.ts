// The README's receiver example (deploy/alert-receiver.example.mjs) works: started as its own process with plain
// node, it accepts an alert signed by runboard's sender, drops the repeat by alertId, and rejects a tampered body,
// a wrong secret and an unsigned request.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { webhookRequest } from '../alerts/payloads.js';
import type { WebhookChannel } from '../alerts/config.js';
import { deliver } from '../app/alert-sender.js';
import type { Alert } from '../shared/alerts.js';
import { REPO_ROOT } from './fixtures/live-child-process.js';
import { waitFor } from './fixtures/live-wait.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const alert: Alert = {
  alertId: '9d1f6a0e-2b3c-4d5e-8f90-a1b2c3d4e5f6',
  kind: 'missed',
  club: 'rondo',
  pipeline: 'people',
  state: 'missed',
  previousState: 'ok',
  reason: 'no run for the 03:00 occurrence',
  runId: null,
  at: Date.UTC(2026, 10, 1, 4, 0, 0),
  summary: 'rondo/people missed a run: no run for the 03:00 occurrence',
  reminder: false,
  channels: ['ops-hook'],
};

it('the receiver example verifies runboard’s signature, drops repeats and rejects tampered alerts', async () => {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'deploy', 'alert-receiver.example.mjs')], {
    env: { ...process.env, HOOK_SECRET: 's3cret', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  await waitFor(() => /listening on (\S+)/.test(out), 'the receiver to listen', { timeoutMs: 10_000 });
  const url = `${/listening on (\S+)/.exec(out)?.[1] ?? ''}/hook`;
  const channel: WebhookChannel = { name: 'ops-hook', type: 'webhook', url, secret: 's3cret', headers: {} };
  const lines = (): Array<Record<string, string>> =>
    out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, string>);

  // A real alert from runboard's sender is accepted (deliver throws on anything but 2xx) and handled once.
  await deliver(alert, channel, 'https://runboard.example.org');
  await deliver(alert, channel, 'https://runboard.example.org');
  await waitFor(() => lines().length >= 2, 'the receiver’s log lines');
  expect(lines()).toEqual([
    { accepted: alert.alertId, kind: 'missed', summary: alert.summary },
    { repeat: alert.alertId },
  ]);

  // Tampered: the body changed after signing (the signature is runboard's, for the original body).
  const signed = webhookRequest({ ...alert, alertId: 'a-new-id' }, channel, null);
  const tampered = await fetch(url, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body.replace('"kind":"missed"', '"kind":"recovered"'),
  });
  expect(tampered.status).toBe(401);
  // Signed with another secret, and not signed at all.
  await expect(deliver({ ...alert, alertId: 'b' }, { ...channel, secret: 'guess' }, null)).rejects.toThrow(/HTTP 401/);
  await expect(deliver({ ...alert, alertId: 'c' }, { ...channel, secret: null }, null)).rejects.toThrow(/HTTP 401/);
  // The untampered original still goes through: the receiver only refused what it could not trust.
  const genuine = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
  expect(genuine.status).toBe(204);
  await waitFor(() => lines().length >= 6, 'the receiver’s log lines');
  expect(lines().slice(2)).toEqual([
    { rejected: 'bad signature' },
    { rejected: 'bad signature' },
    { rejected: 'bad signature' },
    { accepted: 'a-new-id', kind: 'missed', summary: alert.summary },
  ]);
});
