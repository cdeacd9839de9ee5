// The config file's `alerts:` section: channels and rules, checked and typed. Pure: health/config-file.ts calls it
// with the section after `${VAR}` expansion and a `report` that turns a path and a message into a located problem,
// so every mistake is one line with its place, like the rest of the file.
import { ALERT_KINDS, type AlertKind } from '../shared/alerts.js';
import { readString } from './config-values.js';

/** JSON as the config document holds it (the same shape as health/config-file.ts ConfigJson). */
export type AlertsJson = null | boolean | number | string | AlertsJson[] | { [key: string]: AlertsJson };
export type Segment = string | number;
export type AlertsReport = (segments: readonly Segment[], message: string, pointAtKey?: boolean) => void;

export interface WebhookChannel {
  name: string;
  type: 'webhook';
  url: string;
  /** HMAC-SHA256 key for the signature header; null: unsigned. */
  secret: string | null;
  headers: Record<string, string>;
}
export interface SlackChannel {
  name: string;
  type: 'slack';
  url: string;
}
export interface NtfyChannel {
  name: string;
  type: 'ntfy';
  /** The topic URL, e.g. https://ntfy.sh/runboard. */
  url: string;
  /** Sent as a Bearer token when set (a protected topic). */
  token: string | null;
}
export interface EmailChannel {
  name: string;
  type: 'email';
  /** smtp:// or smtps:// URL, credentials in it. */
  smtp: string;
  from: string;
  to: string[];
}
export type AlertChannel = WebhookChannel | SlackChannel | NtfyChannel | EmailChannel;

export interface AlertRule {
  channels: string[];
  on: AlertKind[];
  /** null: every club / every pipeline. */
  club: string | null;
  pipeline: string | null;
  /** Failed/unstable alerts wait for the Nth consecutive bad run. */
  after: number;
  /** Repeat an unresolved alert this often; null: never. */
  remindMs: number | null;
  /** Identity for the per-rule memory: survives reordering rules in the file. */
  key: string;
}

export interface AlertsConfig {
  channels: AlertChannel[];
  rules: AlertRule[];
}

export const EMPTY_ALERTS: AlertsConfig = { channels: [], rules: [] };

const SECTION_KEYS = ['channels', 'rules'];
const CHANNEL_KEYS: Record<AlertChannel['type'], string[]> = {
  webhook: ['name', 'type', 'url', 'secret', 'headers'],
  slack: ['name', 'type', 'url'],
  ntfy: ['name', 'type', 'url', 'token'],
  email: ['name', 'type', 'smtp', 'from', 'to'],
};
const RULE_KEYS = ['channels', 'on', 'club', 'pipeline', 'after', 'remind'];
const KIND_LIST = ALERT_KINDS.join(', ');

type JsonMap = { [key: string]: AlertsJson };

function isMap(value: AlertsJson | undefined): value is JsonMap {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads the section; problems go to `report`. `parseDuration` comes from the caller (health/duration.ts) so the
 * file has one duration syntax. Returns what was valid: the caller refuses the whole file when anything was reported.
 */
export function readAlertsConfig(
  value: AlertsJson | undefined,
  report: AlertsReport,
  parseDuration: (text: string) => number | null,
): AlertsConfig {
  if (value === undefined || value === null) return EMPTY_ALERTS;
  const base: Segment[] = ['alerts'];
  if (!isMap(value)) {
    report(base, 'must be a map with channels: and rules:');
    return EMPTY_ALERTS;
  }
  checkKeys(value, base, SECTION_KEYS, report);
  const channels = readChannels(value.channels, report);
  const names = new Set(channels.map((c) => c.name));
  const rules = readRules(value.rules, names, report, parseDuration);
  return { channels, rules };
}

function readChannels(value: AlertsJson | undefined, report: AlertsReport): AlertChannel[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(['alerts', 'channels'], 'must be a list of channels (- { name: ..., type: webhook, url: ... })');
    return [];
  }
  const out: AlertChannel[] = [];
  const seen = new Set<string>();
  value.forEach((item, index) => {
    const base: Segment[] = ['alerts', 'channels', index];
    if (!isMap(item)) {
      report(base, 'must be a map with name:, type: and the type’s keys');
      return;
    }
    let name = readString(item, 'name', base, report, true);
    if (name !== null && seen.has(name)) {
      report([...base, 'name'], `a channel named ${name} is already defined`);
      name = null;
    } else if (name !== null) seen.add(name);
    const type = item.type;
    if (type !== 'webhook' && type !== 'slack' && type !== 'ntfy' && type !== 'email') {
      report(
        type === undefined ? base : [...base, 'type'],
        `${type === undefined ? 'type: is required' : `${JSON.stringify(type)} is not a channel type`} (webhook, slack, ntfy or email)`,
      );
      return;
    }
    checkKeys(item, base, CHANNEL_KEYS[type], report);
    let channel: AlertChannel | null = null;
    if (type === 'email') {
      const smtp = readUrl(item, 'smtp', base, report, ['smtp:', 'smtps:']);
      const from = readString(item, 'from', base, report, true);
      const to = readAddresses(item.to, [...base, 'to'], report);
      if (name !== null && smtp !== null && from !== null && to !== null) channel = { name, type, smtp, from, to };
    } else {
      const url = readUrl(item, 'url', base, report, ['http:', 'https:']);
      if (type === 'webhook') {
        const secret = readString(item, 'secret', base, report, false);
        const headers = readHeaders(item.headers, [...base, 'headers'], report);
        if (name !== null && url !== null) channel = { name, type, url, secret, headers };
      } else if (type === 'ntfy') {
        const token = readString(item, 'token', base, report, false);
        if (name !== null && url !== null) channel = { name, type, url, token };
      } else if (name !== null && url !== null) channel = { name, type, url };
    }
    if (channel !== null) out.push(channel);
  });
  return out;
}

function readRules(
  value: AlertsJson | undefined,
  channelNames: Set<string>,
  report: AlertsReport,
  parseDuration: (text: string) => number | null,
): AlertRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(['alerts', 'rules'], 'must be a list of rules (- { channels: [NAME], on: [failed, missed] })');
    return [];
  }
  const out: AlertRule[] = [];
  value.forEach((item, index) => {
    const base: Segment[] = ['alerts', 'rules', index];
    if (!isMap(item)) {
      report(base, 'must be a map with at least channels: [NAME]');
      return;
    }
    checkKeys(item, base, RULE_KEYS, report);
    let ok = true;
    const channels: string[] = [];
    if (!Array.isArray(item.channels) || item.channels.length === 0) {
      report(
        item.channels === undefined ? base : [...base, 'channels'],
        'channels: must list one or more channel names',
      );
      ok = false;
    } else {
      item.channels.forEach((channel, i) => {
        if (typeof channel === 'string' && channelNames.has(channel)) channels.push(channel);
        else {
          report([...base, 'channels', i], `${JSON.stringify(channel)} is not a channel defined under alerts.channels`);
          ok = false;
        }
      });
    }
    let on: AlertKind[] = [...ALERT_KINDS];
    if (item.on !== undefined && item.on !== null) {
      if (!Array.isArray(item.on)) {
        report([...base, 'on'], `must be a list of alert kinds (${KIND_LIST})`);
        ok = false;
      } else {
        on = [];
        item.on.forEach((kind, i) => {
          if (typeof kind === 'string' && (ALERT_KINDS as readonly string[]).includes(kind)) on.push(kind as AlertKind);
          else {
            report([...base, 'on', i], `${JSON.stringify(kind)} is not an alert kind (${KIND_LIST})`);
            ok = false;
          }
        });
      }
    }
    const club = readString(item, 'club', base, report, false);
    const pipeline = readString(item, 'pipeline', base, report, false);
    let after = 1;
    if (item.after !== undefined && item.after !== null) {
      if (typeof item.after === 'number' && Number.isInteger(item.after) && item.after >= 1) after = item.after;
      else {
        report([...base, 'after'], `${JSON.stringify(item.after)} is not a whole number of runs (1 or more)`);
        ok = false;
      }
    }
    let remindMs: number | null = null;
    if (item.remind !== undefined && item.remind !== null) {
      const ms =
        typeof item.remind === 'string' || typeof item.remind === 'number' ? parseDuration(String(item.remind)) : null;
      // A second or more: seconds are for trying a rule out (and for the tests); a real rule says 24h.
      if (ms === null || ms < 1_000) {
        report([...base, 'remind'], `${JSON.stringify(item.remind)} is not a duration of a second or more, e.g. 24h`);
        ok = false;
      } else remindMs = ms;
    }
    if (!ok) return;
    const key = JSON.stringify([channels, on, club, pipeline, after]);
    out.push({ channels, on, club, pipeline, after, remindMs, key });
  });
  return out;
}

function readUrl(
  item: JsonMap,
  key: string,
  base: Segment[],
  report: AlertsReport,
  protocols: string[],
): string | null {
  const text = readString(item, key, base, report, true);
  if (text === null) return null;
  try {
    if (protocols.includes(new URL(text).protocol)) return text;
  } catch {
    // reported below
  }
  // The value may hold a password: the message names the expected form, not the value.
  report([...base, key], `is not an absolute ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`);
  return null;
}

function readAddresses(value: AlertsJson | undefined, segments: Segment[], report: AlertsReport): string[] | null {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    report(segments, 'to: must list one or more addresses, e.g. [ops@example.org]');
    return null;
  }
  const out: string[] = [];
  let ok = true;
  list.forEach((address, index) => {
    if (typeof address === 'string' && /^[^\s@]+@[^\s@]+$/.test(address.trim())) out.push(address.trim());
    else {
      report(
        typeof value === 'string' ? segments : [...segments, index],
        `${JSON.stringify(address)} is not an address`,
      );
      ok = false;
    }
  });
  return ok ? out : null;
}

function readHeaders(value: AlertsJson | undefined, segments: Segment[], report: AlertsReport): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isMap(value)) {
    report(segments, 'must be a map of header names to values');
    return {};
  }
  const out: Record<string, string> = {};
  for (const [name, header] of Object.entries(value)) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) report([...segments, name], 'is not a valid header name', true);
    else if (typeof header !== 'string' || /[\r\n]/.test(header))
      report([...segments, name], 'must be a one-line string');
    else out[name] = header;
  }
  return out;
}

function checkKeys(map: JsonMap, base: Segment[], known: string[], report: AlertsReport): void {
  for (const key of Object.keys(map)) {
    if (!known.includes(key)) report([...base, key], `unknown key (known here: ${known.join(', ')})`, true);
  }
}
