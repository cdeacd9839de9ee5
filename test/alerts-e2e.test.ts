// Alerts end to end: a real daemon with a second-resolution schedule turns a pipeline late, then missed; a local
// webhook receiver checks the signature and refuses every alert's first attempt; the daemon is killed with -9 while
// deliveries are pending and restarted: every alert in the outbox arrives, and repeats carry the same alertId.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { killChildren, spawnRunboard } from './fixtures/live-child-process.js';
import { waitFor } from './fixtures/live-wait.js';

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await killChildren();
  for (const server of servers.splice(0)) server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Received {
  alertId: string;
  kind: string;
  accepted: boolean;
  signatureOk: boolean;
  idempotencyKey: string | undefined;
}

async function receiver(secret: string): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { alertId: string; kind: string };
      const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      const first = !received.some((r) => r.alertId === parsed.alertId);
      received.push({
        alertId: parsed.alertId,
        kind: parsed.kind,
        accepted: !first,
        signatureOk: req.headers['x-runboard-signature'] === expected,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      });
      res.statusCode = first ? 503 : 204;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

it('alerts survive kill -9 with pending deliveries and arrive once accepted, same alertId on repeats', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-alerts-'));
  dirs.push(dir);
  const hook = await receiver('s3cret');
  const file = join(dir, 'runboard.yaml');
  writeFileSync(
    file,
    `pipelines:
  - pipeline: heartbeat
    schedule: "*/5 * * * * *"
    grace: 2s
alerts:
  channels:
    - { name: hook, type: webhook, url: "${hook.url}", secret: "\${HOOK_SECRET}" }
  rules:
    - { channels: [hook], on: [late, missed] }
`,
  );
  const db = join(dir, 'db', 'dashboard.sqlite');
  const args = ['start', '--port', '0', '--runs-dir', join(dir, 'runs'), '--db', db, '--config', file];
  const env = { HOOK_SECRET: 's3cret' };

  const first = spawnRunboard(args, { env });
  await first.waitReady();
  // The first attempt of the first alert was refused: it is pending now. Kill without a chance to clean up.
  await waitFor(() => hook.received.length >= 1, 'a first refused delivery', { timeoutMs: 30_000 });
  first.child.kill('SIGKILL');
  await first.exited;

  const second = spawnRunboard(args, { env });
  await second.waitReady();
  const outbox = (): string[] => {
    const client = new Database(db, { readonly: true });
    try {
      return client.prepare('SELECT alert_id FROM alert_outbox ORDER BY created').pluck().all() as string[];
    } finally {
      client.close();
    }
  };
  await waitFor(
    () => {
      const ids = outbox();
      return ids.length >= 2 && ids.every((id) => hook.received.some((r) => r.alertId === id && r.accepted));
    },
    'every outbox alert accepted',
    { timeoutMs: 60_000 },
  );
  const ids = outbox();
  expect(hook.received.map((r) => r.kind)).toEqual(expect.arrayContaining(['late', 'missed']));
  for (const id of ids) {
    const tries = hook.received.filter((r) => r.alertId === id);
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect(tries.every((r) => r.idempotencyKey === id && r.signatureOk)).toBe(true);
  }
}, 120_000);
