// Each channel over its real protocol, through the sender's own `deliver`: a local HTTP server receives the
// Slack-compatible body and the ntfy publish (title, priority, tags and click as ntfy's HTTP API reads them); a real
// SMTP server (smtp-server) receives nodemailer's message, parsed with mailparser: headers and both parts.
import { afterEach, describe, expect, it } from 'vitest';
import { deliver } from '../app/alert-sender.js';
import type { Alert } from '../shared/alerts.js';
import { startAlertReceiver, type AlertReceiver } from './fixtures/alert-receiver.js';
import { startSmtpReceiver } from './fixtures/smtp-receiver.js';

const alert: Alert = {
  alertId: '5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  kind: 'failed',
  club: 'rondo',
  pipeline: 'people',
  state: 'failing',
  previousState: 'ok',
  reason: 'run 42 failed <script>alert(1)</script>',
  runId: '42',
  at: Date.UTC(2026, 10, 1, 3, 0, 5),
  summary: 'rondo/people failed: run 42 failed <script>alert(1)</script>',
  reminder: false,
  channels: [],
};
const PUBLIC = 'https://runboard.example.org';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function receiver(): Promise<AlertReceiver> {
  const started = await startAlertReceiver();
  closers.push(() => started.close());
  return started;
}

describe('alert channels, real receivers', () => {
  it('slack: a Slack-compatible incoming-webhook body with the run link, posted as JSON', async () => {
    const hook = await receiver();
    await deliver(alert, { name: 's', type: 'slack', url: `${hook.url}/services/T/B/x` }, PUBLIC);
    expect(hook.received).toHaveLength(1);
    const [request] = hook.received;
    expect(request).toMatchObject({ method: 'POST', path: '/services/T/B/x', status: 204 });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe(alert.alertId);
    const body = JSON.parse(request?.body ?? '') as {
      text: string;
      attachments: Array<{ title: string; title_link: string; text: string; color: string; footer: string }>;
    };
    expect(body.text).toBe(alert.summary);
    expect(body.attachments[0]).toMatchObject({
      title: 'rondo/people: failed',
      title_link: 'https://runboard.example.org/runs/42',
      text: alert.reason,
      color: 'danger',
      footer: `runboard alert ${alert.alertId}`,
    });
  });

  it('ntfy: the message as the body; Title, Priority, Tags and Click headers as ntfy’s publish API reads them', async () => {
    const topic = await receiver();
    await deliver(alert, { name: 'n', type: 'ntfy', url: `${topic.url}/runboard`, token: 'tk_abc' }, PUBLIC);
    const [request] = topic.received;
    expect(request).toMatchObject({ method: 'POST', path: '/runboard', body: alert.summary });
    expect(request?.headers).toMatchObject({
      title: 'rondo/people: failed',
      priority: '5',
      tags: 'rotating_light,runboard,failed',
      click: 'https://runboard.example.org/runs/42',
      authorization: 'Bearer tk_abc',
      'idempotency-key': alert.alertId,
    });
    // ntfy reads priority 1..5 and comma-separated tags; a recovery is low priority with a check mark.
    await deliver(
      { ...alert, kind: 'recovered', state: 'ok' },
      { name: 'n', type: 'ntfy', url: `${topic.url}/runboard`, token: null },
      null,
    );
    expect(topic.received[1]?.headers).toMatchObject({ priority: '2', tags: 'white_check_mark,runboard' });
    expect(topic.received[1]?.headers.click).toBeUndefined();
    expect(topic.received[1]?.headers.authorization).toBeUndefined();
  });

  it('a refusing receiver is an error the sender retries (HTTP status in the message)', async () => {
    await expect(
      deliver(alert, { name: 's', type: 'slack', url: 'http://127.0.0.1:1/nothing' }, null),
    ).rejects.toThrow();
    const refusing = await startAlertReceiver({ refuseFirst: true });
    closers.push(() => refusing.close());
    await expect(deliver(alert, { name: 's', type: 'slack', url: refusing.url }, null)).rejects.toThrow(/HTTP 503/);
    await deliver(alert, { name: 's', type: 'slack', url: refusing.url }, null);
    expect(refusing.received.map((r) => r.status)).toEqual([503, 204]);
  });

  it('email: nodemailer over SMTP to a real server: From, To, Subject, Message-ID, a plain-text and an HTML part', async () => {
    const smtp = await startSmtpReceiver();
    closers.push(() => smtp.close());
    const { port, logins, messages: mails } = smtp;

    await deliver(
      alert,
      {
        name: 'm',
        type: 'email',
        smtp: `smtp://runboard:pa%24%24@127.0.0.1:${port}`,
        from: 'runboard@example.org',
        to: ['ops@example.org', 'oncall@example.org'],
      },
      PUBLIC,
    );
    expect(logins).toEqual(['runboard:pa$$']);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.from?.text).toBe('runboard@example.org');
    const to = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
    expect(to.map((a) => a.address)).toEqual(['ops@example.org', 'oncall@example.org']);
    expect(mail.subject).toBe(`[runboard] ${alert.summary}`);
    expect(mail.messageId).toBe(`<${alert.alertId}@runboard>`);
    expect(mail.headers.get('idempotency-key')).toBe(alert.alertId);
    expect(mail.text).toContain('Pipeline: rondo/people');
    expect(mail.text).toContain('Link:     https://runboard.example.org/runs/42');
    expect(mail.text).toContain(`Alert id: ${alert.alertId}`);
    // The HTML part escapes what the pipeline wrote: a hostile reason is text, not markup.
    const html = typeof mail.html === 'string' ? mail.html : '';
    expect(html).toContain('<a href="https://runboard.example.org/runs/42">Open in runboard</a>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
  });
});
