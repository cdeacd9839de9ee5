// The pure parts of the alerts surface: stored delivery status in the operator's words, an outbox row made an API
// item whatever its payload holds, channel targets without credentials, and the page's channel order and route.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { channelTarget } from '../alerts/channel-target.js';
import { createAlertStore } from '../ingest/alert-store.js';
import { alertChannelStats, alertView, deliveryView } from '../server/queries/alerts.js';
import type { Alert, AlertChannelView } from '../shared/alerts.js';
import { openDb } from '../shared/db.js';
import { channelHealth, channelOrder } from '../web/alert-words.js';
import { alertsHref, parseRoute, routeTitle } from '../web/routes.js';

const delivery = { channel: 'hook', attempts: 0, nextAttemptAt: 5, lastError: null, deliveredAt: null };

describe('deliveryView', () => {
  it('says pending, failing, delivered and given up', () => {
    expect(deliveryView({ ...delivery, status: 'pending' })).toMatchObject({ status: 'pending', nextAttemptAt: 5 });
    expect(deliveryView({ ...delivery, status: 'pending', attempts: 2, lastError: 'HTTP 500' })).toMatchObject({
      status: 'failing',
      attempts: 2,
      lastError: 'HTTP 500',
    });
    expect(deliveryView({ ...delivery, status: 'sent', attempts: 1, deliveredAt: 9 })).toMatchObject({
      status: 'delivered',
      deliveredAt: 9,
      nextAttemptAt: null,
    });
    expect(deliveryView({ ...delivery, status: 'failed', lastError: 'gave up after 24 h: x' })).toMatchObject({
      status: 'given-up',
      nextAttemptAt: null,
    });
  });
});

describe('alertView', () => {
  const row = { rowid: 1, alertId: 'a1', club: 'rondo', pipeline: 'people', kind: 'late', created: 100 };

  it('reads the stored alert', () => {
    const payload = JSON.stringify({
      state: 'late',
      previousState: 'ok',
      reason: 'due 03:00',
      summary: 'rondo/people is late',
      runId: '42',
      reminder: true,
    });
    expect(alertView({ ...row, payload }, [])).toEqual({
      alertId: 'a1',
      kind: 'late',
      club: 'rondo',
      pipeline: 'people',
      state: 'late',
      previousState: 'ok',
      reason: 'due 03:00',
      summary: 'rondo/people is late',
      runId: 42,
      reminder: true,
      created: 100,
      deliveries: [],
    });
  });

  it('falls back to the row’s columns when the payload is damaged or odd', () => {
    for (const payload of ['not json', '[1,2]', 'null', JSON.stringify({ state: 7, runId: 'x', summary: {} })]) {
      const view = alertView({ ...row, payload }, []);
      expect(view).toMatchObject({ state: 'unknown', previousState: null, runId: null, reminder: false });
      expect(view.summary).toBe('rondo/people: late');
    }
    expect(alertView({ ...row, kind: 'exploded', payload: '{}' }, []).kind).toBe('failed');
  });
});

describe('channelTarget', () => {
  it('shows a hook URL’s origin only, and an SMTP URL’s host without its credentials', () => {
    expect(
      channelTarget({ name: 's', type: 'slack', url: 'https://hooks.slack.example/services/T/B/secretpart' }),
    ).toBe('https://hooks.slack.example/********');
    const mail = channelTarget({
      name: 'm',
      type: 'email',
      smtp: 'smtp://user:hunter2@mail.example:2525',
      from: 'runboard@example.org',
      to: ['ops@example.org', 'dev@example.org'],
    });
    expect(mail).toBe('ops@example.org, dev@example.org via smtp mail.example:2525');
    expect(mail).not.toContain('hunter2');
    expect(channelTarget({ name: 'n', type: 'ntfy', url: 'not a url', token: 't' })).toBe('********');
  });
});

describe('the page’s channel words', () => {
  const channel = (name: string, patch: Partial<AlertChannelView> = {}): AlertChannelView => ({
    name,
    type: 'webhook',
    target: 'x',
    lastDeliveredAt: null,
    lastError: null,
    failingSince: null,
    pending: 0,
    givenUp: 0,
    lastTest: null,
    ...patch,
  });

  it('puts failing channels first, then by name', () => {
    const list = [channel('a', { lastDeliveredAt: 1 }), channel('c', { failingSince: 5 }), channel('b')];
    expect(list.sort(channelOrder).map((c) => c.name)).toEqual(['c', 'a', 'b']);
    expect(list.map(channelHealth)).toEqual(['failing', 'ok', 'unused']);
  });

  it('has a route with the club filter', () => {
    expect(parseRoute('/alerts', '?club=rondo')).toEqual({ view: 'alerts', club: 'rondo' });
    expect(alertsHref('rondo')).toBe('/alerts?club=rondo');
    expect(alertsHref()).toBe('/alerts');
    expect(routeTitle({ view: 'alerts', club: null })).toBe('Alerts');
  });
});

describe('alertChannelStats (a real SQLite outbox)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-alert-stats-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function alert(alertId: string, channels: string[]): Alert {
    return {
      alertId,
      kind: 'failed',
      club: 'c',
      pipeline: 'p',
      state: 'failing',
      previousState: 'ok',
      reason: 'r',
      runId: null,
      at: 0,
      summary: 's',
      reminder: false,
      channels,
    };
  }

  it('is failing from the oldest alert refused since the last delivery; older refusals are history', () => {
    const db = openDb(join(dir, 'a.sqlite'), { migrate: true });
    const store = createAlertStore(db);
    // flaky: given up on the first alert, delivered the second: healthy again, with its old error kept.
    // down: delivered the first, refused the second and third (retrying): failing since the second.
    store.enqueue(alert('a1', ['flaky', 'down']), 1_000);
    store.enqueue(alert('a2', ['flaky', 'down']), 2_000);
    store.enqueue(alert('a3', ['down']), 3_000);
    store.markFailed('a1', 'flaky', 'gave up after 24 h: HTTP 502');
    store.markSent('a2', 'flaky', 2_100);
    store.markSent('a1', 'down', 1_100);
    store.markRetry('a2', 'down', 9_000, 'HTTP 500 first');
    store.markRetry('a3', 'down', 9_000, 'HTTP 500 newest');
    const stats = Object.fromEntries(alertChannelStats(db).map((s) => [s.channel, s]));
    expect(stats.flaky).toEqual({
      channel: 'flaky',
      lastDeliveredAt: 2_100,
      lastError: 'gave up after 24 h: HTTP 502',
      failingSince: null,
      pending: 0,
      givenUp: 1,
    });
    expect(stats.down).toEqual({
      channel: 'down',
      lastDeliveredAt: 1_100,
      lastError: 'HTTP 500 newest',
      failingSince: 2_000,
      pending: 2,
      givenUp: 0,
    });
    db.$client.close();
  });
});
