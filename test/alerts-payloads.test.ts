// Per-channel payloads, pure: the webhook body and its signature, Slack's shape, ntfy's headers, the email parts.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emailMessage, ntfyRequest, SIGNATURE_HEADER, slackRequest, webhookRequest } from '../alerts/payloads.js';
import type { Alert } from '../shared/alerts.js';

const alert: Alert = {
  alertId: '0b6c4e1e-1111-4222-8333-444455556666',
  kind: 'failed',
  club: 'rondo',
  pipeline: 'people',
  state: 'failing',
  previousState: 'ok',
  reason: 'run 42 failed: <exit 1>',
  runId: '42',
  at: Date.UTC(2026, 10, 1, 3, 0, 5),
  summary: 'rondo/people failed: run 42 failed: <exit 1>',
  reminder: false,
  channels: ['x'],
};
const PUBLIC = 'https://runboard.example.org';

describe('alert payloads', () => {
  it('webhook: the issue’s fields, an Idempotency-Key and an HMAC-SHA256 of the exact body', () => {
    const request = webhookRequest(
      alert,
      { name: 'h', type: 'webhook', url: 'http://h/hook', secret: 'k3y', headers: { 'X-Team': 'ops' } },
      PUBLIC,
    );
    expect(JSON.parse(request.body)).toEqual({
      alertId: alert.alertId,
      kind: 'failed',
      club: 'rondo',
      pipeline: 'people',
      state: 'failing',
      previousState: 'ok',
      reason: 'run 42 failed: <exit 1>',
      runId: '42',
      runUrl: 'https://runboard.example.org/runs/42',
      at: '2026-11-01T03:00:05.000Z',
      summary: alert.summary,
      reminder: false,
    });
    const expected = `sha256=${createHmac('sha256', 'k3y').update(request.body).digest('hex')}`;
    expect(request.headers).toMatchObject({
      'X-Team': 'ops',
      'Content-Type': 'application/json',
      'Idempotency-Key': alert.alertId,
      [SIGNATURE_HEADER]: expected,
    });
    const unsigned = webhookRequest(
      alert,
      { name: 'h', type: 'webhook', url: 'http://h', secret: null, headers: {} },
      null,
    );
    expect(unsigned.headers[SIGNATURE_HEADER]).toBeUndefined();
    expect(JSON.parse(unsigned.body)).toMatchObject({ runUrl: null });
  });

  it('slack: text plus an attachment linking the run', () => {
    const body = JSON.parse(slackRequest(alert, { name: 's', type: 'slack', url: 'http://s' }, PUBLIC).body) as {
      text: string;
      attachments: Array<Record<string, unknown>>;
    };
    expect(body.text).toBe(alert.summary);
    expect(body.attachments[0]).toMatchObject({ color: 'danger', title_link: 'https://runboard.example.org/runs/42' });
    const recovered = JSON.parse(
      slackRequest({ ...alert, kind: 'recovered' }, { name: 's', type: 'slack', url: 'http://s' }, PUBLIC).body,
    ) as { attachments: Array<{ color: string }> };
    expect(recovered.attachments[0]?.color).toBe('good');
  });

  it('ntfy: message body, title, priority, tags and click headers', () => {
    const request = ntfyRequest(alert, { name: 'n', type: 'ntfy', url: 'http://n/topic', token: 'tk' }, PUBLIC);
    expect(request.body).toBe(alert.summary);
    expect(request.headers).toMatchObject({
      Title: 'rondo/people: failed',
      Priority: '5',
      Tags: 'rotating_light,runboard,failed',
      Click: 'https://runboard.example.org/runs/42',
      Authorization: 'Bearer tk',
      'Idempotency-Key': alert.alertId,
    });
  });

  it('email: subject, text and escaped HTML, Message-ID from the alert id', () => {
    const mail = emailMessage(
      alert,
      { name: 'm', type: 'email', smtp: 'smtp://h', from: 'rb@example.org', to: ['ops@example.org'] },
      PUBLIC,
    );
    expect(mail.subject).toBe('[runboard] rondo/people failed: run 42 failed: <exit 1>');
    expect(mail.text).toContain('Link:     https://runboard.example.org/runs/42');
    expect(mail.html).toContain('run 42 failed: &#60;exit 1&#62;');
    expect(mail.html).not.toContain('<exit 1>');
    expect(mail.messageId).toBe(`<${alert.alertId}@runboard>`);
  });
});
