// `runboard start` configuration: flags over environment over defaults, resolved purely (no file system, no
// network) into either a config or every problem found, one line each.
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../health/duration.js';
import { DEFAULT_MAX_DEPTH } from '../shared/events.js';

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
  retentionDays: number;
  deleteFilesOnRetention: boolean;
  staleAfterMs: number;
  maxLineBytes: number;
  /** Lines nested deeper are rejected as too_deep. */
  maxDepth: number;
  logLevel: LogLevel;
  /** Allow a non-loopback bind without a token. */
  insecure: boolean;
  /** Watch by polling (network filesystems). */
  poll: boolean;
  /** Absolute path of the built web UI, or null for the packaged build. */
  webDir: string | null;
}

export type ConfigResult = { ok: true; config: RunboardConfig } | { ok: false; problems: string[] };

interface OptionSpec {
  flag: string;
  env: string;
  kind: 'string' | 'boolean';
  /** Shown by --help. */
  defaultText: string;
  help: string;
  valueName?: string;
}

export const START_OPTIONS: readonly OptionSpec[] = [
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
    help: 'Require this token (8+ characters) for the API, /metrics and the live socket; prefer the env var, flags show in ps',
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
const MAX_LINE_BYTES = 256 * 1024 * 1024;

export function resolveConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): ConfigResult {
  const problems: string[] = [];
  let flags: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(START_OPTIONS.map((o) => [o.flag, { type: o.kind }])) as Record<
      string,
      { type: 'string' | 'boolean' }
    >;
    flags = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return {
      ok: false,
      problems: [error instanceof Error ? (error.message.split('\n')[0] ?? String(error)) : String(error)],
    };
  }

  /** Flag, else non-empty env var, else undefined; with where it came from for messages. */
  function raw(flag: string): { value: string | boolean; source: string } | undefined {
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
    'a port number (0-65535)',
  );
  const tokenRaw = raw('token');
  const token = tokenRaw === undefined ? null : String(tokenRaw.value);
  if (token !== null && token.length < 8)
    problems.push(`${tokenRaw?.source ?? 'token'}: a token needs at least 8 characters`);
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
      retentionDays,
      deleteFilesOnRetention,
      staleAfterMs,
      maxLineBytes,
      maxDepth,
      logLevel,
      insecure,
      poll,
      webDir,
    },
  };
}
