// The alerts surface against a real daemon and two real local HTTP receivers, one accepting (204) and one refusing
// (500) every request: GET /api/alerts shows each channel's delivery (delivered / failing with attempts and the last
// error), pages and filters; GET /api/alerts/channels shows the failing channel as failing with its error and the
// good one as healthy, targets masked; POST /api/alerts/test sends a marked test through one channel and answers the
// outcome, and is refused without the token and from another origin.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertChannelsResponse, AlertView, TestAlertOutcome } from '../shared/alerts.js';
import type { Page } from '../shared/api.js';
import { HOOK_PATH, startAlertReceiver, type AlertReceiver } from './fixtures/alert-receiver.js';
import { startSmtpReceiver, type SmtpReceiver } from './fixtures/smtp-receiver.js';
import { killChildren, spawnRunboard, type StartedChild } from './fixtures/live-child-process.js';
import { finishedRun, waitFor } from './support/run-writer.js';
import { testServer } from './helpers/seed-server.js';

const TOKEN = 'alerts-test-token-0123456789';
const SECRET = 'hook-secret';
let dir: string;
let good: AlertReceiver;
let bad: AlertReceiver;
let smtp: SmtpReceiver;
let daemon: StartedChild;
let url: string;
const auth = { authorization: `Bearer ${TOKEN}` };

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(url + path, { headers: auth });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function postTest(channel: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/alerts/test`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ channel }),
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runboard-api-alerts-'));
  [good, bad, smtp] = await Promise.all([
    startAlertReceiver({ path: HOOK_PATH }),
    startAlertReceiver({ status: 500, path: HOOK_PATH }),
    startSmtpReceiver(),
  ]);
  const config = join(dir, 'runboard.yaml');
  writeFileSync(
    config,
    `alerts:
  channels:
    - { name: good-hook, type: webhook, url: "${good.url}", secret: "\${HOOK_SECRET}" }
    - { name: bad-hook, type: webhook, url: "${bad.url}" }
    - { name: mail, type: email, smtp: "${smtp.url}", from: runboard@example.org, to: [ops@example.org] }
  rules:
    - { channels: [good-hook, bad-hook], on: [failed, recovered] }
`,
  );
  const runsDir = join(dir, 'runs');
  daemon = spawnRunboard(
    ['start', '--port', '0', '--runs-dir', runsDir, '--db', join(dir, 'db', 'dashboard.sqlite'), '--config', config],
    { env: { HOOK_SECRET: SECRET, RUNBOARD_TOKEN: TOKEN } },
  );
  url = await daemon.waitReady();
  // Two pipelines fail: two `failed` alerts, each to both channels.
  await finishedRun(runsDir, 'rondo', 'people', { outcome: 'failure' });
  await finishedRun(runsDir, 'rondo', 'fees', { outcome: 'failure' });
  await waitFor(
    'both alerts delivered to the good channel and refused by the bad one',
    async () => {
      const page = await getJson<Page<AlertView>>('/api/alerts');
      return (
        page.items.length === 2 &&
        page.items.every((a) =>
          a.deliveries.every((d) => (d.channel === 'good-hook' ? d.status === 'delivered' : d.status === 'failing')),
        )
      );
    },
    30_000,
  );
}, 60_000);

afterAll(async () => {
  await killChildren();
  await Promise.all([good?.close(), bad?.close(), smtp?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/alerts', () => {
  it('lists each alert with every channel’s delivery status, attempts and last error', async () => {
    const page = await getJson<Page<AlertView>>('/api/alerts');
    expect(page.nextCursor).toBeNull();
    const people = page.items.find((a) => a.pipeline === 'people');
    expect(people).toMatchObject({ kind: 'failed', club: 'rondo', state: 'failing', reminder: false });
    expect(people?.summary).toContain('rondo/people');
    expect(typeof people?.runId).toBe('number');
    expect(people?.created).toBeGreaterThan(0);
    const byChannel = Object.fromEntries((people?.deliveries ?? []).map((d) => [d.channel, d]));
    expect(byChannel['good-hook']).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
    expect(byChannel['good-hook']?.deliveredAt).toBeGreaterThanOrEqual(people?.created ?? Infinity);
    expect(byChannel['bad-hook']).toMatchObject({ status: 'failing', lastError: 'HTTP 500 Internal Server Error' });
    expect(byChannel['bad-hook']?.attempts).toBeGreaterThanOrEqual(1);
    expect(byChannel['bad-hook']?.nextAttemptAt).toBeGreaterThan(people?.created ?? Infinity);
    // What the good receiver got is the alert the list shows.
    expect(good.bodies().map((b) => b.alertId)).toEqual(expect.arrayContaining(page.items.map((a) => a.alertId)));
  });

  it('pages newest first with a cursor, and filters by club, pipeline and kind', async () => {
    const all = await getJson<Page<AlertView>>('/api/alerts');
    const first = await getJson<Page<AlertView>>('/api/alerts?limit=1');
    expect(first.items.map((a) => a.alertId)).toEqual([all.items[0]?.alertId]);
    expect(first.nextCursor).not.toBeNull();
    const second = await getJson<Page<AlertView>>(`/api/alerts?limit=1&cursor=${first.nextCursor}`);
    expect(second.items.map((a) => a.alertId)).toEqual([all.items[1]?.alertId]);
    expect(second.nextCursor).toBeNull();
    expect(all.items[0]!.created).toBeGreaterThanOrEqual(all.items[1]!.created);

    expect((await getJson<Page<AlertView>>('/api/alerts?pipeline=fees')).items.map((a) => a.pipeline)).toEqual([
      'fees',
    ]);
    expect((await getJson<Page<AlertView>>('/api/alerts?club=rondo&kind=failed')).items).toHaveLength(2);
    expect((await getJson<Page<AlertView>>('/api/alerts?kind=recovered')).items).toEqual([]);
    expect((await getJson<Page<AlertView>>('/api/alerts?club=elsewhere')).items).toEqual([]);

    const wrongKind = await fetch(`${url}/api/alerts?kind=exploded`, { headers: auth });
    expect(wrongKind.status).toBe(400);
    const runsCursor = await fetch(`${url}/api/alerts?cursor=${Buffer.from('["runs",1]').toString('base64url')}`, {
      headers: auth,
    });
    expect(runsCursor.status).toBe(400);
  });

  it('needs the token', async () => {
    expect((await fetch(`${url}/api/alerts`)).status).toBe(401);
    expect((await fetch(`${url}/api/alerts/channels`)).status).toBe(401);
  });
});

describe('GET /api/alerts/channels', () => {
  it('shows the refusing channel as failing with its last error, the other as healthy, targets masked', async () => {
    const { channels } = await getJson<AlertChannelsResponse>('/api/alerts/channels');
    expect(channels.map((c) => c.name)).toEqual(['good-hook', 'bad-hook', 'mail']);
    const [ok, failing, mail] = channels;
    // In no rule: configured, nothing sent yet.
    expect(mail).toMatchObject({ type: 'email', target: `ops@example.org via ${smtp.url.replace('://', ' ')}` });
    expect(mail).toMatchObject({ lastDeliveredAt: null, failingSince: null, pending: 0 });
    expect(ok).toMatchObject({ type: 'webhook', failingSince: null, lastError: null, pending: 0, givenUp: 0 });
    expect(ok?.lastDeliveredAt).toBeGreaterThan(0);
    expect(failing).toMatchObject({ lastDeliveredAt: null, lastError: 'HTTP 500 Internal Server Error', pending: 2 });
    expect(failing?.failingSince).toBeGreaterThan(0);
    for (const channel of [ok, failing]) {
      // The path of a hook URL is its credential.
      expect(channel?.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\*+$/);
      expect(JSON.stringify(channel)).not.toContain('s3cr3t-path');
    }
  });
});

describe('POST /api/alerts/test', () => {
  it('sends a marked, signed test through a channel and answers delivered', async () => {
    const before = good.received.length;
    const response = await postTest('good-hook', auth);
    expect(response.status).toBe(200);
    const outcome = (await response.json()) as TestAlertOutcome;
    expect(outcome).toMatchObject({ channel: 'good-hook', ok: true, error: null });
    const sent = good.received.slice(before);
    expect(sent).toHaveLength(1);
    const body = JSON.parse(sent[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ kind: 'test' });
    expect(String(body.summary)).toMatch(/^TEST: /);
    expect(sent[0]!.headers['x-runboard-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(sent[0]!.body).digest('hex')}`,
    );
    // A test is no alert: the outbox is unchanged.
    expect((await getJson<Page<AlertView>>('/api/alerts')).items).toHaveLength(2);
  });

  it('sends a marked test email through a real SMTP server', async () => {
    const response = await postTest('mail', auth);
    expect(await response.json()).toMatchObject({ channel: 'mail', ok: true, error: null });
    const mail = smtp.messages.at(-1);
    expect(mail?.subject).toMatch(/^\[runboard\] TEST: runboard test alert through mail/);
    expect(mail?.headers.get('x-runboard-alert-kind')).toBe('test');
    expect(mail?.text).toContain('No pipeline changed state');
  });

  it('answers the error of a refusing channel, and the channel list shows that last test', async () => {
    const response = await postTest('bad-hook', auth);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      channel: 'bad-hook',
      ok: false,
      error: 'HTTP 500 Internal Server Error',
    });
    const { channels } = await getJson<AlertChannelsResponse>('/api/alerts/channels');
    expect(channels.find((c) => c.name === 'bad-hook')?.lastTest).toMatchObject({ ok: false });
    expect(channels.find((c) => c.name === 'good-hook')?.lastTest).toMatchObject({ ok: true });
  });

  it('refuses an unknown channel (404) and a bad body (400)', async () => {
    expect((await postTest('no-such-channel', auth)).status).toBe(404);
    const noChannel = await fetch(`${url}/api/alerts/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: '{"channels":["good-hook"]}',
    });
    expect(noChannel.status).toBe(400);
  });

  it('is refused without the token, and from another origin even with it, sending nothing', async () => {
    const before = good.received.length;
    const anonymous = await postTest('good-hook');
    expect(anonymous.status).toBe(401);
    const foreign = await postTest('good-hook', { ...auth, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { message: string }).message).toContain('evil.example');
    const crossSite = await postTest('good-hook', { ...auth, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const sameOrigin = await postTest('good-hook', { ...auth, origin: url });
    expect(sameOrigin.status).toBe(200);
    expect(good.received.length).toBe(before + 1);
  });
});

it('is in the OpenAPI document', async () => {
  const doc = await getJson<{ paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>(
    '/api/openapi.json',
  );
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/api/alerts', '/api/alerts/channels', '/api/alerts/test']),
  );
  expect(Object.keys(doc.components.schemas)).toEqual(
    expect.arrayContaining(['AlertView', 'AlertChannelView', 'TestAlertOutcome']),
  );
});

describe('POST /api/alerts/test with no token configured', () => {
  it('is still refused from another origin or a cross-site fetch, before anything is sent', async () => {
    const sent: string[] = [];
    const server = await testServer({
      alerts: {
        channels: () => [{ name: 'hook', type: 'webhook', target: 'http://127.0.0.1/********' }],
        sendTest: (channel) => {
          sent.push(channel);
          return Promise.resolve({ channel, ok: true, at: Date.now(), error: null });
        },
      },
    });
    try {
      const post = (headers: Record<string, string>) =>
        server.app.inject({
          method: 'POST',
          url: '/api/alerts/test',
          headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', ...headers },
          payload: { channel: 'hook' },
        });
      expect((await post({ origin: 'http://evil.example' })).statusCode).toBe(403);
      expect((await post({ origin: 'null' })).statusCode).toBe(403);
      expect((await post({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
      expect(sent).toEqual([]);
      expect((await post({ origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' })).json()).toMatchObject({
        ok: true,
      });
      expect((await post({})).statusCode).toBe(200);
      expect(sent).toEqual(['hook', 'hook']);
    } finally {
      await server.close();
    }
  });
});
