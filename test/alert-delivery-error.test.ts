// A delivery's last error says why (issue 13's channel view shows it): Node's fetch throws "fetch failed" and keeps the
// reason in `cause`, so the text takes the causes along. A real delivery to a port nothing listens on.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { deliver, deliveryErrorText } from '../app/alert-sender.js';
import type { Alert } from '../shared/alerts.js';

const alert: Alert = {
  alertId: '0b6c4e1e-1111-4222-8333-444455556666',
  kind: 'failed',
  club: 'rondo',
  pipeline: 'people',
  state: 'failing',
  previousState: 'ok',
  reason: 'run 42 failed',
  runId: '42',
  at: Date.UTC(2026, 10, 1, 3, 0, 5),
  summary: 'rondo/people failed: run 42 failed',
  reminder: false,
  channels: ['hook'],
};

/** A port that was just free: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a delivery error in words', () => {
  it('names the refused connection, not just "fetch failed"', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/hook`;
    const error = await deliver(alert, { name: 'hook', type: 'webhook', url, secret: null, headers: {} }, null).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(deliveryErrorText(error)).toMatch(
      new RegExp(`^fetch failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`),
    );
  });

  it('joins a chain of causes once each, and takes what is not an Error as text', () => {
    const inner = new Error('getaddrinfo ENOTFOUND hooks.example');
    expect(deliveryErrorText(new Error('fetch failed', { cause: inner }))).toBe(
      'fetch failed: getaddrinfo ENOTFOUND hooks.example',
    );
    expect(deliveryErrorText(new Error('HTTP 500 Internal Server Error'))).toBe('HTTP 500 Internal Server Error');
    expect(deliveryErrorText(new Error('same', { cause: new Error('same') }))).toBe('same');
    expect(deliveryErrorText('a string')).toBe('a string');
  });
});
