// Parsing what a live client sends: untrusted text in, a LiveClientMessage or a one-line problem out. Never throws.
import type { LiveClientMessage, LiveTopic } from '../shared/api.js';

export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;
const MAX_TOPICS = 100;
const MAX_CLUB_CHARS = 200;

export type ParsedClientMessage = { ok: true; message: LiveClientMessage } | { ok: false; problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseClub(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > MAX_CLUB_CHARS) return null;
  return value;
}

function parseTopic(value: unknown): LiveTopic | string {
  if (!isRecord(value)) return 'a topic must be an object';
  const kind = value.kind;
  if (kind === 'run') {
    const runId = value.runId;
    if (typeof runId !== 'number' || !Number.isSafeInteger(runId) || runId < 1) {
      return 'topic "run" needs a positive integer runId';
    }
    return { kind, runId };
  }
  if (kind === 'overview' || kind === 'errors') {
    const club = parseClub(value.club);
    if (club === null) return `topic "${kind}": club must be a non-empty string`;
    return club === undefined ? { kind } : { kind, club };
  }
  return 'topic kind must be "overview", "run" or "errors"';
}

export function parseClientMessage(text: string): ParsedClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'message is not valid JSON' };
  }
  if (!isRecord(value)) return { ok: false, problem: 'message must be a JSON object' };
  if (value.type !== 'subscribe') return { ok: false, problem: 'unknown message type (expected "subscribe")' };
  if (!Array.isArray(value.topics)) return { ok: false, problem: 'subscribe needs a topics array' };
  if (value.topics.length > MAX_TOPICS) return { ok: false, problem: `at most ${MAX_TOPICS} topics` };
  const topics: LiveTopic[] = [];
  for (const raw of value.topics) {
    const topic = parseTopic(raw);
    if (typeof topic === 'string') return { ok: false, problem: topic };
    topics.push(topic);
  }
  const message: LiveClientMessage = { type: 'subscribe', topics };
  if (value.since !== undefined && value.since !== null) {
    if (typeof value.since !== 'number' || !Number.isSafeInteger(value.since) || value.since < 0) {
      return { ok: false, problem: 'since must be a non-negative integer cursor' };
    }
    message.since = value.since;
  }
  if (value.epoch !== undefined && value.epoch !== null) {
    if (typeof value.epoch !== 'string' || value.epoch.length > 100) {
      return { ok: false, problem: 'epoch must be a string' };
    }
    message.epoch = value.epoch;
  }
  return { ok: true, message };
}
