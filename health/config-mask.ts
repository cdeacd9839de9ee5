// What `GET /api/config` may show of the config file: secrets masked, `${...}` values as written, URL passwords
// and webhook paths hidden.
import { MASK, originOnly } from '../alerts/channel-target.js';
import { pathText, type ConfigJson, type Segment } from './config-keys.js';
import type { RunboardFileConfig } from './config-file.js';

/** Keys whose values (and everything under them) are never shown: `password`, `smtpPass`, `token`, `webhookUrl` … */
const SECRET_KEY = /pass(word|wd)?$|token|secret|webhook|api[-_]?key|credential|private[-_]?key|^auth/i;

/**
 * The document as `GET /api/config` may serve it: values under a secret-named key become `********`, a value that
 * came from `${...}` shows the text as written (`${SMTP_PASSWORD}`, never its value), and a URL's password is hidden.
 */
export function maskConfigForDisplay(config: Pick<RunboardFileConfig, 'document' | 'expanded'>): ConfigJson {
  return maskValue(config.document, [], config.expanded, false);
}

function maskValue(
  value: ConfigJson,
  segments: Segment[],
  expanded: Record<string, string>,
  secret: boolean,
): ConfigJson {
  if (Array.isArray(value)) return value.map((item, index) => maskValue(item, [...segments, index], expanded, secret));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: ConfigJson } = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = maskValue(item, [...segments, key], expanded, secret || SECRET_KEY.test(key));
    }
    return out;
  }
  if (secret && value !== null && value !== '') return MASK;
  const template = expanded[pathText(segments)];
  if (template !== undefined) return template;
  // A Slack or webhook URL's path and query are its credential (hooks.slack.com/services/T/B/xyz): show the host.
  if (typeof value === 'string' && /^alerts\.channels\[\d+\]\.url$/.test(pathText(segments))) return originOnly(value);
  return typeof value === 'string' ? hideUrlPassword(value) : value;
}

function hideUrlPassword(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^/\s@]+@/gi, `$1${MASK}@`);
}
