// What each channel is sent for an alert: the exact request (or message) as data, so the sender only moves bytes and
// the tests can check every header. The HMAC is computed here (CPU, not I/O) so the signature and the body it
// signs can never come from two different serialisations.
import { createHmac } from 'node:crypto';
import type { AlertMessage, AlertMessageKind } from '../shared/alerts.js';
import type { EmailChannel, NtfyChannel, SlackChannel, WebhookChannel } from './config.js';

/** `sha256=<hex>` of the raw body with the channel's secret, like GitHub's X-Hub-Signature-256. */
export const SIGNATURE_HEADER = 'X-Runboard-Signature';

export interface HttpRequestSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface EmailSpec {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** `<alertId@runboard>`: a mail client or archive can drop repeats by it, as an HTTP receiver uses the key. */
  messageId: string;
  headers: Record<string, string>;
}

/** The webhook JSON body (issue 13's field list). */
export interface WebhookBody {
  alertId: string;
  kind: AlertMessageKind;
  club: string;
  pipeline: string;
  state: string;
  previousState: string | null;
  reason: string;
  runId: string | null;
  runUrl: string | null;
  at: string;
  summary: string;
  reminder: boolean;
}

/** Absolute link to the run (or the pipeline) in the UI; null without a public URL. */
export function alertLink(alert: AlertMessage, publicUrl: string | null): string | null {
  if (publicUrl === null) return null;
  // A test names no pipeline: it links to the page it was sent from.
  if (alert.kind === 'test') return `${publicUrl}/alerts`;
  if (alert.runId !== null) return `${publicUrl}/runs/${encodeURIComponent(alert.runId)}`;
  return `${publicUrl}/pipelines/${encodeURIComponent(alert.club)}/${encodeURIComponent(alert.pipeline)}`;
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const GOOD_KINDS: readonly AlertMessageKind[] = ['recovered', 'test'];

export function webhookRequest(
  alert: AlertMessage,
  channel: WebhookChannel,
  publicUrl: string | null,
): HttpRequestSpec {
  const payload: WebhookBody = {
    alertId: alert.alertId,
    kind: alert.kind,
    club: alert.club,
    pipeline: alert.pipeline,
    state: alert.state,
    previousState: alert.previousState,
    reason: alert.reason,
    runId: alert.runId,
    runUrl: alertLink(alert, publicUrl),
    at: new Date(alert.at).toISOString(),
    summary: alert.summary,
    reminder: alert.reminder,
  };
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    ...channel.headers,
    'Content-Type': 'application/json',
    'Idempotency-Key': alert.alertId,
  };
  if (channel.secret !== null) headers[SIGNATURE_HEADER] = signBody(body, channel.secret);
  return { url: channel.url, headers, body };
}

/** Slack's incoming-webhook shape (`text` plus one attachment), which Mattermost and Rocket.Chat also accept. */
export function slackRequest(alert: AlertMessage, channel: SlackChannel, publicUrl: string | null): HttpRequestSpec {
  const link = alertLink(alert, publicUrl);
  const good = GOOD_KINDS.includes(alert.kind);
  const body = JSON.stringify({
    text: alert.summary,
    attachments: [
      {
        fallback: alert.summary,
        color: good ? 'good' : 'danger',
        title: `${alert.club}/${alert.pipeline}: ${alert.kind}${alert.reminder ? ' (reminder)' : ''}`,
        ...(link === null ? {} : { title_link: link }),
        text: alert.reason,
        fields: [
          { title: 'State', value: alert.state, short: true },
          { title: 'Was', value: alert.previousState ?? '-', short: true },
        ],
        footer: `runboard alert ${alert.alertId}`,
        ts: Math.floor(alert.at / 1000),
      },
    ],
  });
  return {
    url: channel.url,
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': alert.alertId },
    body,
  };
}

const NTFY_PRIORITY: Record<AlertMessageKind, number> = {
  failed: 5,
  missed: 5,
  stuck: 4,
  late: 4,
  'too-short': 3,
  unstable: 3,
  overlap: 3,
  'new-error': 3,
  flapping: 4,
  recovered: 2,
  test: 1,
};

/** ntfy's publish-as-HTTP: the message is the body, title/priority/tags/click are headers. */
export function ntfyRequest(alert: AlertMessage, channel: NtfyChannel, publicUrl: string | null): HttpRequestSpec {
  const link = alertLink(alert, publicUrl);
  const headers: Record<string, string> = {
    // HTTP header values must be Latin-1; a pipeline name outside it is percent-escaped rather than rejected.
    Title: headerSafe(`${alert.club}/${alert.pipeline}: ${alert.kind}${alert.reminder ? ' (reminder)' : ''}`),
    Priority: String(NTFY_PRIORITY[alert.kind]),
    Tags: GOOD_KINDS.includes(alert.kind) ? 'white_check_mark,runboard' : `rotating_light,runboard,${alert.kind}`,
    'Idempotency-Key': alert.alertId,
    'Content-Type': 'text/plain; charset=utf-8',
  };
  if (link !== null) headers.Click = link;
  if (channel.token !== null) headers.Authorization = `Bearer ${channel.token}`;
  return { url: channel.url, headers, body: alert.summary };
}

function headerSafe(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURI(text);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function emailMessage(alert: AlertMessage, channel: EmailChannel, publicUrl: string | null): EmailSpec {
  const link = alertLink(alert, publicUrl);
  const subject = `[runboard] ${alert.reminder ? 'Reminder: ' : ''}${alert.summary}`.replace(/[\r\n]+/g, ' ');
  const lines = [
    alert.summary,
    '',
    `Pipeline: ${alert.club}/${alert.pipeline}`,
    `Alert:    ${alert.kind}${alert.reminder ? ' (reminder)' : ''}`,
    `State:    ${alert.state}${alert.previousState === null ? '' : ` (was ${alert.previousState})`}`,
    `Reason:   ${alert.reason}`,
    `At:       ${new Date(alert.at).toISOString()}`,
  ];
  if (link !== null) lines.push(`Link:     ${link}`);
  lines.push('', `Alert id: ${alert.alertId}`);
  const html = [
    `<p><strong>${escapeHtml(alert.summary)}</strong></p>`,
    '<table>',
    `<tr><th align="left">Pipeline</th><td>${escapeHtml(`${alert.club}/${alert.pipeline}`)}</td></tr>`,
    `<tr><th align="left">Alert</th><td>${escapeHtml(alert.kind)}</td></tr>`,
    `<tr><th align="left">State</th><td>${escapeHtml(alert.state)}</td></tr>`,
    `<tr><th align="left">Reason</th><td>${escapeHtml(alert.reason)}</td></tr>`,
    '</table>',
    link === null ? '' : `<p><a href="${escapeHtml(link)}">Open in runboard</a></p>`,
    `<p style="color:#888">Alert id ${escapeHtml(alert.alertId)}</p>`,
  ].join('\n');
  return {
    from: channel.from,
    to: channel.to,
    subject,
    text: lines.join('\n'),
    html,
    messageId: `<${alert.alertId}@runboard>`,
    headers: { 'Idempotency-Key': alert.alertId, 'X-Runboard-Alert-Kind': alert.kind },
  };
}
