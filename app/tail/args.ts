// `runboard tail` flags and environment to options, or the problem as one line. Pure: `now` and `env` are given.
import { parseArgs } from 'node:util';
import { LEVELS, type LevelLabel } from '../../shared/events.js';

export const URL_ENV = 'RUNBOARD_URL';
export const TOKEN_ENV = 'RUNBOARD_TOKEN';
export const DEFAULT_URL = 'http://127.0.0.1:3000';

export type RunChoice = { kind: 'id'; id: number } | { kind: 'latest' };

export interface TailOptions {
  /** The daemon's base URL, ending in `/` (a path prefix behind a proxy is kept). */
  baseUrl: string;
  token: string | null;
  club: string | null;
  pipeline: string | null;
  run: RunChoice | null;
  /** Lines below this level are not printed (run and step starts/ends always are). */
  minLevel: number | null;
  /** ms since epoch: print the lines from then on first (REST), then follow. */
  sinceTime: number | null;
  json: boolean;
  exitStatus: boolean;
}

export type ParsedTailArgs = { ok: true; options: TailOptions } | { ok: false; problem: string };

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10m`, `90s`, `2h`, `1d` → ms; or an ISO date/time → ms since epoch; null when it is neither. */
export function parseSince(text: string, now: number): number | null {
  const match = DURATION.exec(text.trim());
  if (match) return now - Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  // Only full dates: Date.parse also takes odd forms ("1", "May") that are more likely typos.
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : time;
}

export function parseLevel(text: string): number | null {
  if (text in LEVELS) return LEVELS[text as LevelLabel];
  if (!/^\d{1,3}$/.test(text)) return null;
  return Number(text);
}

export function parseRunChoice(text: string): RunChoice | null {
  if (text === 'latest') return { kind: 'latest' };
  if (!/^\d{1,15}$/.test(text)) return null;
  const id = Number(text);
  return id >= 1 ? { kind: 'id', id } : null;
}

/** http(s) URL → its form with a trailing slash, so `api/...` resolves under a path prefix. */
export function parseBaseUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

/** The live socket's URL for a base URL: ws(s)://.../api/live. */
export function liveUrlOf(baseUrl: string): string {
  const url = new URL('api/live', baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export function parseTailArgs(argv: string[], env: NodeJS.ProcessEnv, now: number): ParsedTailArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        club: { type: 'string' },
        pipeline: { type: 'string' },
        run: { type: 'string' },
        level: { type: 'string' },
        since: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        json: { type: 'boolean' },
        'exit-status': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
  const urlText = values.url ?? (env[URL_ENV] || DEFAULT_URL);
  const baseUrl = parseBaseUrl(urlText);
  if (baseUrl === null) return { ok: false, problem: `--url must be an http(s) URL without credentials: "${urlText}"` };
  const run = values.run === undefined ? null : parseRunChoice(values.run);
  if (values.run !== undefined && run === null) {
    return { ok: false, problem: '--run must be a run id (a positive integer) or "latest"' };
  }
  const minLevel = values.level === undefined ? null : parseLevel(values.level);
  if (values.level !== undefined && minLevel === null) {
    return { ok: false, problem: '--level must be trace, debug, info, warn, error, fatal or a number' };
  }
  const sinceTime = values.since === undefined ? null : parseSince(values.since, now);
  if (values.since !== undefined && sinceTime === null) {
    return { ok: false, problem: '--since must be a duration (30s, 10m, 2h, 1d) or an ISO date' };
  }
  const exitStatus = values['exit-status'] ?? false;
  if (exitStatus && run === null) {
    return { ok: false, problem: '--exit-status needs --run ID or --run latest (the run whose end decides the code)' };
  }
  for (const name of ['club', 'pipeline'] as const) {
    if (values[name] === '') return { ok: false, problem: `--${name} must not be empty` };
  }
  const token = values.token ?? (env[TOKEN_ENV] || null);
  return {
    ok: true,
    options: {
      baseUrl,
      token: token === '' ? null : token,
      club: values.club ?? null,
      pipeline: values.pipeline ?? null,
      run,
      minLevel,
      sinceTime,
      json: values.json ?? false,
      exitStatus,
    },
  };
}
