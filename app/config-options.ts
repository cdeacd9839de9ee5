// `runboard start`'s options, each with everything about it in one place: flag, environment variable, help, its
// default (shared ones from shared/defaults.ts and shared/events.ts) and the parser that checks a given value.
// app/config.ts resolves them (flags over environment over these defaults).
import { parseDuration } from '../health/duration.js';
import { normalOrigin, parseAuthority } from '../server/host-policy.js';
import {
  DB_FILE_ENV,
  DEFAULT_DB_FILE,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_RUNS_DIR,
  DEFAULT_STALE_AFTER_MS,
  RUNS_DIR_ENV,
} from '../shared/defaults.js';
import { DEFAULT_IDENTIFIER_FIELDS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_LINE_BYTES } from '../shared/events.js';

/** Deeper than this, checking and storing a line's JSON would risk the stack (JSON.stringify recurses). */
const MAX_DEPTH = 1000;
const MIN_LINE_BYTES = 1024;
const MAX_LINE_BYTES = 256 * 1024 * 1024;
const MAX_RETENTION_DAYS = 36_500;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

interface SpecText {
  flag: string;
  env: string;
  valueName?: string;
  help: string;
  /** Shown by --help. */
  defaultText: string;
  /** What a valid value looks like, for the message about an invalid one. */
  expected: string;
}

/** An option with one value: a string flag (parsed), or a boolean switch. */
export interface ValueSpec<T> extends SpecText {
  kind: 'string' | 'boolean';
  /** The value when neither the flag nor the environment variable gives one. */
  default: T;
  /** The value a flag's or the environment's text stands for; null when it is not valid. */
  parse: (text: string) => T | null;
}

/** A repeatable flag; its environment variable holds a comma-separated list. By default empty. */
export interface ListSpec extends SpecText {
  kind: 'list';
  /** One item; null when it is not valid. */
  parseItem: (text: string) => string | null;
}

export type OptionSpec = ValueSpec<unknown> | ListSpec;

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

function integerIn(min: number, max: number): (text: string) => number | null {
  return (text) => {
    const n = parseInteger(text);
    return n !== null && n >= min && n <= max ? n : null;
  };
}

function parseFlagBoolean(text: string): boolean | null {
  const value = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(value)) return false;
  return null;
}

const asGiven = (text: string): string => text;

function text<T extends string | null>(spec: Omit<SpecText, 'expected'> & { default: T }): ValueSpec<string | T> {
  return { ...spec, kind: 'string', expected: 'a value', parse: asGiven };
}

function parsed<T>(spec: SpecText & { default: T; parse: (text: string) => T | null }): ValueSpec<T> {
  return { ...spec, kind: 'string' };
}

function boolean(spec: Omit<SpecText, 'expected' | 'defaultText'>): ValueSpec<boolean> {
  return {
    ...spec,
    kind: 'boolean',
    default: false,
    defaultText: 'off',
    expected: 'a boolean (1/0, true/false, yes/no)',
    parse: parseFlagBoolean,
  };
}

function list(spec: Omit<ListSpec, 'kind' | 'defaultText'>): ListSpec {
  return { ...spec, kind: 'list', defaultText: 'none' };
}

/** Every option by name, in --help order. */
export const OPTIONS = {
  config: text({
    flag: 'config',
    env: 'RUNBOARD_CONFIG',
    valueName: 'FILE',
    default: null,
    defaultText: 'none',
    help: 'YAML or JSON config file: pipeline schedules, crontabs to read (checked at start, reloaded on SIGHUP)',
  }),
  runsDir: text({
    flag: 'runs-dir',
    env: RUNS_DIR_ENV,
    valueName: 'DIR',
    default: DEFAULT_RUNS_DIR,
    defaultText: DEFAULT_RUNS_DIR,
    help: 'Where pipelines write <club>/<pipeline>/<run>.ndjson',
  }),
  db: text({
    flag: 'db',
    env: DB_FILE_ENV,
    valueName: 'FILE',
    default: DEFAULT_DB_FILE,
    defaultText: DEFAULT_DB_FILE,
    help: 'The SQLite database (created and migrated)',
  }),
  host: text({
    flag: 'host',
    env: 'RUNBOARD_HOST',
    valueName: 'ADDR',
    default: '127.0.0.1',
    defaultText: '127.0.0.1',
    help: 'Address to bind; non-loopback needs --token or --insecure',
  }),
  port: parsed({
    flag: 'port',
    env: 'RUNBOARD_PORT',
    valueName: 'N',
    default: 3000,
    defaultText: '3000',
    help: 'TCP port (0 = any free port)',
    expected: 'a port number (an integer 0..65535)',
    parse: integerIn(0, 65535),
  }),
  token: text({
    flag: 'token',
    env: 'RUNBOARD_TOKEN',
    valueName: 'SECRET',
    default: null,
    defaultText: 'none',
    help: 'Require this token (16+ characters, not whitespace) for the API, /metrics and the live socket; prefer the env var, flags show in ps',
  }),
  sessionTtl: parsed({
    flag: 'session-ttl',
    env: 'RUNBOARD_SESSION_TTL',
    valueName: 'DURATION',
    default: 7 * 86_400_000,
    defaultText: '7d',
    help: 'How long a browser login lasts (e.g. 12h, 7d); logout ends it sooner',
    expected: 'a duration such as 30m, 12h or 7d',
    parse: parseDuration,
  }),
  retentionDays: parsed({
    flag: 'retention-days',
    env: 'RUNBOARD_RETENTION_DAYS',
    valueName: 'N',
    default: DEFAULT_RETENTION_DAYS,
    defaultText: String(DEFAULT_RETENTION_DAYS),
    help: 'Delete runs older than this many days',
    expected: `a whole number of days from 1 to ${MAX_RETENTION_DAYS}`,
    parse: integerIn(1, MAX_RETENTION_DAYS),
  }),
  retentionDeleteFiles: boolean({
    flag: 'retention-delete-files',
    env: 'RUNBOARD_RETENTION_DELETE_FILES',
    help: 'Also delete the run files of runs removed by retention',
  }),
  staleAfter: parsed({
    flag: 'stale-after',
    env: 'RUNBOARD_STALE_AFTER',
    valueName: 'DURATION',
    default: DEFAULT_STALE_AFTER_MS,
    defaultText: `${DEFAULT_STALE_AFTER_MS / 3_600_000}h`,
    help: 'A silent run without run.end becomes abandoned after this (e.g. 30m, 1h, 90s, or ms)',
    expected: 'a duration such as 30m, 1h, 90s or 5000 (ms)',
    parse: parseDuration,
  }),
  maxLineBytes: parsed({
    flag: 'max-line-bytes',
    env: 'RUNBOARD_MAX_LINE_BYTES',
    valueName: 'BYTES',
    default: DEFAULT_MAX_LINE_BYTES,
    defaultText: `${DEFAULT_MAX_LINE_BYTES / (1 << 20)}MiB`,
    help: 'Longer lines are rejected (e.g. 1048576, 512KiB, 1MiB)',
    expected: `a size from ${MIN_LINE_BYTES} bytes to 256MiB (e.g. 1048576, 512KiB, 1MiB)`,
    parse: (s) => {
      const n = parseBytes(s);
      return n !== null && n >= MIN_LINE_BYTES && n <= MAX_LINE_BYTES ? n : null;
    },
  }),
  identifierFields: parsed<string[]>({
    flag: 'identifier-fields',
    env: 'RUNBOARD_IDENTIFIER_FIELDS',
    valueName: 'LIST',
    default: [...DEFAULT_IDENTIFIER_FIELDS],
    defaultText: DEFAULT_IDENTIFIER_FIELDS.join(','),
    help: 'Fields of an error line that name the failing record, first present wins (comma-separated)',
    expected: 'a comma-separated list of field names',
    parse: (s) => {
      const fields = s
        .split(',')
        .map((f) => f.trim())
        .filter((f) => f !== '');
      return fields.length > 0 && fields.every((f) => /^[A-Za-z0-9_.$-]{1,100}$/.test(f)) ? fields : null;
    },
  }),
  maxDepth: parsed({
    flag: 'max-depth',
    env: 'RUNBOARD_MAX_DEPTH',
    valueName: 'LEVELS',
    default: DEFAULT_MAX_DEPTH,
    defaultText: String(DEFAULT_MAX_DEPTH),
    help: 'Lines whose JSON nests deeper are rejected as too_deep',
    expected: `a whole number from 2 to ${MAX_DEPTH}`,
    parse: integerIn(2, MAX_DEPTH),
  }),
  logLevel: parsed<LogLevel>({
    flag: 'log-level',
    env: 'RUNBOARD_LOG_LEVEL',
    valueName: 'LEVEL',
    default: 'info',
    defaultText: 'info',
    help: `Daemon log level: ${LOG_LEVELS.join(', ')}`,
    expected: `a log level (${LOG_LEVELS.join(', ')})`,
    parse: (s) => {
      const level = s.trim().toLowerCase();
      return (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : null;
    },
  }),
  webDir: text({
    flag: 'web-dir',
    env: 'RUNBOARD_WEB_DIR',
    valueName: 'DIR',
    default: null,
    defaultText: 'the packaged build',
    help: 'Serve the web UI from this directory',
  }),
  publicUrl: parsed<string | null>({
    flag: 'public-url',
    env: 'RUNBOARD_PUBLIC_URL',
    valueName: 'URL',
    default: null,
    defaultText: 'none',
    help:
      'The URL browsers use to reach runboard (behind a proxy): requests for its host are answered, and alerts and ' +
      "`runboard tail` link to it; wins over the config file's publicUrl",
    expected: 'an http:// or https:// URL',
    parse: (s) => (normalOrigin(s) === null || !/^https?:\/\/[^/]/i.test(s.trim()) ? null : s.trim()),
  }),
  allowedHost: list({
    flag: 'allowed-host',
    env: 'RUNBOARD_ALLOWED_HOST',
    valueName: 'NAME[:PORT]',
    help: 'Also answer requests for this Host (repeatable; env comma-separated); others get 421, as DNS rebinding would send',
    expected: 'a host name, optionally with :port (e.g. dash.example.com or 10.0.0.5:3000)',
    parseItem: (s) => (parseAuthority(s) === null ? null : s.trim().toLowerCase()),
  }),
  allowedOrigin: list({
    flag: 'allowed-origin',
    env: 'RUNBOARD_ALLOWED_ORIGIN',
    valueName: 'ORIGIN',
    help: 'Also let pages from this origin open the live socket (repeatable; env comma-separated)',
    expected: 'an origin such as https://dash.example.com',
    parseItem: normalOrigin,
  }),
  insecure: boolean({
    flag: 'insecure',
    env: 'RUNBOARD_INSECURE',
    help: 'Allow binding a non-loopback address without a token',
  }),
  poll: boolean({
    flag: 'poll',
    env: 'RUNBOARD_POLL',
    help: 'Watch the runs directory by polling (network filesystems)',
  }),
} as const;

export const START_OPTIONS: readonly OptionSpec[] = Object.values(OPTIONS);
