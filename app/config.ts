// `runboard start` configuration: flags over environment over defaults, resolved purely (no file system, no
// network) into either a config or every problem found, one line each.
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../health/duration.js';
import { DEFAULT_IDENTIFIER_FIELDS, DEFAULT_MAX_DEPTH } from '../shared/events.js';
import { normalOrigin, parseAuthority } from '../server/host-policy.js';

// Moved to health/ (the config file's durations use it too); re-exported for existing importers.
export { parseDuration };

/** Deeper than this, checking and storing a line's JSON would risk the stack (JSON.stringify recurses). */
const MAX_DEPTH = 1000;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RunboardConfig {
  /** Absolute. */
  runsDir: string;
  /** Absolute. */
  dbFile: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  token: string | null;
  /** How long a browser login lasts. */
  sessionTtlMs: number;
  retentionDays: number;
  deleteFilesOnRetention: boolean;
  staleAfterMs: number;
  maxLineBytes: number;
  /** Lines nested deeper are rejected as too_deep. */
  maxDepth: number;
  /** Fields of a plain error line that name its record, first present wins. */
  identifierFields: string[];
  logLevel: LogLevel;
  /** Allow a non-loopback bind without a token. */
  insecure: boolean;
  /** Watch by polling (network filesystems). */
  poll: boolean;
  /** Absolute path of the built web UI, or null for the packaged build. */
  webDir: string | null;
  /** The URL browsers use (behind a proxy); its host and origin are allowed. */
  publicUrl: string | null;
  /** Host names (`name` or `name:port`) besides the bound address that this server answers to. */
  allowedHosts: string[];
  /** Origins besides our own that may open the live socket. */
  allowedOrigins: string[];
  /** Absolute path of the config file (schedules, crontabs), or null for none. */
  configFile: string | null;
}

export type ConfigResult = { ok: true; config: RunboardConfig } | { ok: false; problems: string[] };

interface OptionSpec {
  flag: string;
  env: string;
  /** `list`: a repeatable flag; its environment variable holds a comma-separated list. */
  kind: 'string' | 'boolean' | 'list';
  /** Shown by --help. */
  defaultText: string;
  help: string;
  valueName?: string;
}

export const START_OPTIONS: readonly OptionSpec[] = [
  {
    flag: 'config',
    env: 'RUNBOARD_CONFIG',
    kind: 'string',
    valueName: 'FILE',
    defaultText: 'none',
    help: 'YAML or JSON config file: pipeline schedules, crontabs to read (checked at start, reloaded on SIGHUP)',
  },
  {
    flag: 'runs-dir',
    env: 'RUNBOARD_RUNS_DIR',
    kind: 'string',
    valueName: 'DIR',
    defaultText: './data/runs',
    help: 'Where pipelines write <club>/<pipeline>/<run>.ndjson',
  },
  {
    flag: 'db',
    env: 'RUNBOARD_DB',
    kind: 'string',
    valueName: 'FILE',
    defaultText: './data/dashboard.sqlite',
    help: 'The SQLite database (created and migrated)',
  },
  {
    flag: 'host',
    env: 'RUNBOARD_HOST',
    kind: 'string',
    valueName: 'ADDR',
    defaultText: '127.0.0.1',
    help: 'Address to bind; non-loopback needs --token or --insecure',
  },
  {
    flag: 'port',
    env: 'RUNBOARD_PORT',
    kind: 'string',
    valueName: 'N',
    defaultText: '3000',
    help: 'TCP port (0 = any free port)',
  },
  {
    flag: 'token',
    env: 'RUNBOARD_TOKEN',
    kind: 'string',
    valueName: 'SECRET',
    defaultText: 'none',
    help: 'Require this token (16+ characters, not whitespace) for the API, /metrics and the live socket; prefer the env var, flags show in ps',
  },
  {
    flag: 'session-ttl',
    env: 'RUNBOARD_SESSION_TTL',
    kind: 'string',
    valueName: 'DURATION',
    defaultText: '7d',
    help: 'How long a browser login lasts (e.g. 12h, 7d); logout ends it sooner',
  },
  {
    flag: 'retention-days',
    env: 'RUNBOARD_RETENTION_DAYS',
    kind: 'string',
    valueName: 'N',
    defaultText: '90',
    help: 'Delete runs older than this many days',
  },
  {
    flag: 'retention-delete-files',
    env: 'RUNBOARD_RETENTION_DELETE_FILES',
    kind: 'boolean',
    defaultText: 'off',
    help: 'Also delete the run files of runs removed by retention',
  },
  {
    flag: 'stale-after',
    env: 'RUNBOARD_STALE_AFTER',
    kind: 'string',
    valueName: 'DURATION',
    defaultText: '1h',
    help: 'A silent run without run.end becomes abandoned after this (e.g. 30m, 1h, 90s, or ms)',
  },
  {
    flag: 'max-line-bytes',
    env: 'RUNBOARD_MAX_LINE_BYTES',
    kind: 'string',
    valueName: 'BYTES',
    defaultText: '1MiB',
    help: 'Longer lines are rejected (e.g. 1048576, 512KiB, 1MiB)',
  },
  {
    flag: 'identifier-fields',
    env: 'RUNBOARD_IDENTIFIER_FIELDS',
    kind: 'string',
    valueName: 'LIST',
    defaultText: 'identifier,knvb_id,memberId,member_id,id',
    help: 'Fields of an error line that name the failing record, first present wins (comma-separated)',
  },
  {
    flag: 'max-depth',
    env: 'RUNBOARD_MAX_DEPTH',
    kind: 'string',
    valueName: 'LEVELS',
    defaultText: '64',
    help: 'Lines whose JSON nests deeper are rejected as too_deep',
  },
  {
    flag: 'log-level',
    env: 'RUNBOARD_LOG_LEVEL',
    kind: 'string',
    valueName: 'LEVEL',
    defaultText: 'info',
    help: `Daemon log level: ${LOG_LEVELS.join(', ')}`,
  },
  {
    flag: 'web-dir',
    env: 'RUNBOARD_WEB_DIR',
    kind: 'string',
    valueName: 'DIR',
    defaultText: 'the packaged build',
    help: 'Serve the web UI from this directory',
  },
  {
    flag: 'public-url',
    env: 'RUNBOARD_PUBLIC_URL',
    kind: 'string',
    valueName: 'URL',
    defaultText: 'none',
    help:
      'The URL browsers use to reach runboard (behind a proxy): requests for its host are answered, and alerts and ' +
      "`runboard tail` link to it; wins over the config file's publicUrl",
  },
  {
    flag: 'allowed-host',
    env: 'RUNBOARD_ALLOWED_HOST',
    kind: 'list',
    valueName: 'NAME[:PORT]',
    defaultText: 'none',
    help: 'Also answer requests for this Host (repeatable; env comma-separated); others get 421, as DNS rebinding would send',
  },
  {
    flag: 'allowed-origin',
    env: 'RUNBOARD_ALLOWED_ORIGIN',
    kind: 'list',
    valueName: 'ORIGIN',
    defaultText: 'none',
    help: 'Also let pages from this origin open the live socket (repeatable; env comma-separated)',
  },
  {
    flag: 'insecure',
    env: 'RUNBOARD_INSECURE',
    kind: 'boolean',
    defaultText: 'off',
    help: 'Allow binding a non-loopback address without a token',
  },
  {
    flag: 'poll',
    env: 'RUNBOARD_POLL',
    kind: 'boolean',
    defaultText: 'off',
    help: 'Watch the runs directory by polling (network filesystems)',
  },
];

/** [flag, description] pairs for the Command interface's --help. */
export function startHelpOptions(): Array<[string, string]> {
  return START_OPTIONS.map((o) => [
    `--${o.flag}${o.valueName ? ` ${o.valueName}` : ''}`,
    `${o.help}. Env ${o.env}; default ${o.defaultText}.`,
  ]);
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1 << 20,
  mb: 1 << 20,
  mib: 1 << 20,
};

/** `1048576`, `512KiB`, `1MiB` (binary units either way: a line cap, not a disk size). */
export function parseBytes(text: string): number | null {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  if (!match?.[1]) return null;
  const unit = BYTE_UNITS[(match[2] ?? '').toLowerCase()];
  if (unit === undefined) return null;
  const bytes = Number(match[1]) * unit;
  return Number.isSafeInteger(bytes) ? bytes : null;
}

function parseInteger(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

function parseFlagBoolean(text: string): boolean | null {
  const value = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(value)) return false;
  return null;
}

/** Loopback by address alone (a name other than localhost would need DNS, so it counts as exposed). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare) || bare === '::ffff:127.0.0.1';
}

const MIN_LINE_BYTES = 1024;
const MIN_TOKEN_CHARS = 16;
const MAX_LINE_BYTES = 256 * 1024 * 1024;

/**
 * `--port -1` as `--port=-1`: parseArgs takes a value starting with a dash for a forgotten value ("argument is
 * ambiguous"), but a negative number is never a flag, so it reaches the value check and its clear message.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const takesValue = new Set(START_OPTIONS.filter((o) => o.kind !== 'boolean').map((o) => `--${o.flag}`));
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

export function resolveConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): ConfigResult {
  const problems: string[] = [];
  let flags: Record<string, string | boolean | string[] | undefined>;
  try {
    const options = Object.fromEntries(
      START_OPTIONS.map((o) => [
        o.flag,
        o.kind === 'list' ? { type: 'string', multiple: true } : { type: o.kind, multiple: false },
      ]),
    ) as Record<string, { type: 'string' | 'boolean'; multiple: boolean }>;
    // Only list options are `multiple`, and those are strings.
    flags = parseArgs({ args: joinNegativeValues(argv), options, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean | string[] | undefined>;
  } catch (error) {
    return {
      ok: false,
      problems: [error instanceof Error ? (error.message.split('\n')[0] ?? String(error)) : String(error)],
    };
  }

  /** Flag, else non-empty env var, else undefined; with where it came from for messages. */
  function raw(flag: string): { value: string | boolean | string[]; source: string } | undefined {
    const spec = START_OPTIONS.find((o) => o.flag === flag);
    if (!spec) throw new Error(`no option ${flag}`);
    const fromFlag = flags[flag];
    if (fromFlag !== undefined) return { value: fromFlag, source: `--${flag}` };
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: fromEnv, source: spec.env };
    return undefined;
  }

  function text(flag: string, fallback: string): string {
    const got = raw(flag);
    return got === undefined ? fallback : String(got.value);
  }

  function parsed<T>(flag: string, fallback: T, parse: (s: string) => T | null, expected: string): T {
    const got = raw(flag);
    if (got === undefined) return fallback;
    const value = parse(String(got.value));
    if (value === null) {
      problems.push(`${got.source}: "${String(got.value)}" is not ${expected}`);
      return fallback;
    }
    return value;
  }

  function bool(flag: string): boolean {
    const got = raw(flag);
    if (got === undefined) return false;
    if (typeof got.value === 'boolean') return got.value;
    return parsed(flag, false, parseFlagBoolean, 'a boolean (1/0, true/false, yes/no)');
  }

  /** A repeatable flag's values, else the env var split on commas; each value checked by `parse`. */
  function list(flag: string, parse: (s: string) => string | null, expected: string): string[] {
    const got = raw(flag);
    if (got === undefined) return [];
    const values = Array.isArray(got.value) ? got.value : String(got.value).split(',');
    const result: string[] = [];
    for (const value of values) {
      if (value.trim() === '' && !Array.isArray(got.value)) continue;
      const parsedValue = parse(value);
      if (parsedValue === null) problems.push(`${got.source}: "${value}" is not ${expected}`);
      else result.push(parsedValue);
    }
    return result;
  }

  const path = (flag: string, fallback: string): string => {
    const value = text(flag, fallback);
    return isAbsolute(value) ? resolve(value) : resolve(cwd, value);
  };

  const host = text('host', '127.0.0.1').trim();
  if (host === '') problems.push('--host: must not be empty');
  const port = parsed(
    'port',
    3000,
    (s) => {
      const n = parseInteger(s);
      return n !== null && n <= 65535 ? n : null;
    },
    'a port number (an integer 0..65535)',
  );
  const tokenRaw = raw('token');
  const token = tokenRaw === undefined ? null : String(tokenRaw.value);
  if (token !== null) {
    const source = tokenRaw?.source ?? 'token';
    // Whitespace adds no strength, and around the token it is a copy-paste slip that Bearer headers would drop.
    if (token.replace(/\s/g, '').length < MIN_TOKEN_CHARS)
      problems.push(`${source}: a token needs at least ${MIN_TOKEN_CHARS} characters that are not whitespace`);
    else if (token.trim() !== token) problems.push(`${source}: a token must not start or end with whitespace`);
  }
  const sessionTtlMs = parsed('session-ttl', 7 * 86_400_000, parseDuration, 'a duration such as 30m, 12h or 7d');
  const retentionDays = parsed(
    'retention-days',
    90,
    (s) => {
      const n = parseInteger(s);
      return n !== null && n >= 1 && n <= 36_500 ? n : null;
    },
    'a whole number of days from 1 to 36500',
  );
  const staleAfterMs = parsed('stale-after', 3_600_000, parseDuration, 'a duration such as 30m, 1h, 90s or 5000 (ms)');
  const maxLineBytes = parsed(
    'max-line-bytes',
    1 << 20,
    (s) => {
      const n = parseBytes(s);
      return n !== null && n >= MIN_LINE_BYTES && n <= MAX_LINE_BYTES ? n : null;
    },
    `a size from ${MIN_LINE_BYTES} bytes to 256MiB (e.g. 1048576, 512KiB, 1MiB)`,
  );
  const maxDepth = parsed(
    'max-depth',
    DEFAULT_MAX_DEPTH,
    (s) => {
      const n = parseInteger(s);
      return n !== null && n >= 2 && n <= MAX_DEPTH ? n : null;
    },
    `a whole number from 2 to ${MAX_DEPTH}`,
  );
  const identifierFields = parsed(
    'identifier-fields',
    [...DEFAULT_IDENTIFIER_FIELDS],
    (s) => {
      const fields = s
        .split(',')
        .map((f) => f.trim())
        .filter((f) => f !== '');
      return fields.length > 0 && fields.every((f) => /^[A-Za-z0-9_.$-]{1,100}$/.test(f)) ? fields : null;
    },
    'a comma-separated list of field names',
  );
  const logLevel = parsed<LogLevel>(
    'log-level',
    'info',
    (s) => {
      const level = s.trim().toLowerCase();
      return (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : null;
    },
    `a log level (${LOG_LEVELS.join(', ')})`,
  );
  const insecure = bool('insecure');
  const poll = bool('poll');
  const deleteFilesOnRetention = bool('retention-delete-files');
  const webDir = raw('web-dir') === undefined ? null : path('web-dir', '.');
  const publicUrl = parsed(
    'public-url',
    null,
    (s) => (normalOrigin(s) === null || !/^https?:\/\/[^/]/i.test(s.trim()) ? null : s.trim()),
    'an http:// or https:// URL',
  );
  const allowedHosts = list(
    'allowed-host',
    (s) => (parseAuthority(s) === null ? null : s.trim().toLowerCase()),
    'a host name, optionally with :port (e.g. dash.example.com or 10.0.0.5:3000)',
  );
  const allowedOrigins = list('allowed-origin', normalOrigin, 'an origin such as https://dash.example.com');

  if (host !== '' && !isLoopbackHost(host) && token === null && !insecure) {
    problems.push(
      `refusing to listen on ${host} (not loopback) without a token: set RUNBOARD_TOKEN, or pass --insecure to allow it`,
    );
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      runsDir: path('runs-dir', './data/runs'),
      dbFile: path('db', './data/dashboard.sqlite'),
      host,
      port,
      token,
      sessionTtlMs,
      retentionDays,
      deleteFilesOnRetention,
      staleAfterMs,
      maxLineBytes,
      maxDepth,
      identifierFields,
      logLevel,
      insecure,
      poll,
      webDir,
      publicUrl,
      allowedHosts,
      allowedOrigins,
      configFile: raw('config') === undefined ? null : path('config', '.'),
    },
  };
}
