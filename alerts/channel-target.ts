// Where a channel sends, said without its credentials, for the Alerts page and GET /api/alerts/channels. A webhook
// or Slack URL's path and query are the credential (hooks.slack.com/services/T/B/xyz), so only the origin is shown,
// as GET /api/config masks it; an SMTP URL shows its host and port, never its user or password.
import type { AlertChannelInfo } from '../shared/alerts.js';
import type { AlertChannel } from './config.js';

export const MASK = '********';

/** A URL's origin only: a webhook or Slack URL's path and query are its credential. */
export function originOnly(text: string): string {
  try {
    return `${new URL(text).origin}/${MASK}`;
  } catch {
    return MASK;
  }
}

function smtpHost(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol.replace(':', '')} ${url.host}`;
  } catch {
    return `smtp ${MASK}`;
  }
}

export function channelTarget(channel: AlertChannel): string {
  if (channel.type === 'email') return `${channel.to.join(', ')} via ${smtpHost(channel.smtp)}`;
  return originOnly(channel.url);
}

export function channelInfo(channel: AlertChannel): AlertChannelInfo {
  return { name: channel.name, type: channel.type, target: channelTarget(channel) };
}
