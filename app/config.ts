// `runboard start` configuration: flags over environment over defaults, resolved purely (no file system, no
// network) into either a config or every problem found, one line each. The options themselves, with their defaults
// and parsers, are in config-options.ts.
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../health/duration.js';
import {
  LOG_LEVELS,
  OPTIONS,
  START_OPTIONS,
  parseBytes,
  type LogLevel,
  type ListSpec,
  type ValueSpec,
} from './config-options.js';

// Moved to health/ (the config file's durations use it too); re-exported for existing importers.
export { parseDuration };
export { LOG_LEVELS, parseBytes, START_OPTIONS, type LogLevel };

const MIN_TOKEN_CHARS = 16;

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

/** [flag, description] pairs for the Command interface's --help. */
export function startHelpOptions(): Array<[string, string]> {
  return START_OPTIONS.map((o) => [
    `--${o.flag}${o.valueName ? ` ${o.valueName}` : ''}`,
    `${o.help}. Env ${o.env}; default ${o.defaultText}.`,
  ]);
}

/** Loopback by address alone (a name other than localhost would need DNS, so it counts as exposed). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare) || bare === '::ffff:127.0.0.1';
}

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
  function raw(spec: {
    flag: string;
    env: string;
  }): { value: string | boolean | string[]; source: string } | undefined {
    const fromFlag = flags[spec.flag];
    if (fromFlag !== undefined) return { value: fromFlag, source: `--${spec.flag}` };
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: fromEnv, source: spec.env };
    return undefined;
  }

  /** The option's value as given and parsed, else its default (an invalid value is a problem). */
  function value<T>(spec: ValueSpec<T>): T {
    const got = raw(spec);
    if (got === undefined) return spec.default;
    if (typeof got.value === 'boolean') return got.value as T; // A switch given as a flag.
    const parsedValue = spec.parse(String(got.value));
    if (parsedValue === null) {
      problems.push(`${got.source}: "${String(got.value)}" is not ${spec.expected}`);
      return spec.default;
    }
    return parsedValue;
  }

  /** A repeatable flag's values, else the env var split on commas; each value checked by the spec. */
  function list(spec: ListSpec): string[] {
    const got = raw(spec);
    if (got === undefined) return [];
    const values = Array.isArray(got.value) ? got.value : String(got.value).split(',');
    const result: string[] = [];
    for (const item of values) {
      if (item.trim() === '' && !Array.isArray(got.value)) continue;
      const parsedValue = spec.parseItem(item);
      if (parsedValue === null) problems.push(`${got.source}: "${item}" is not ${spec.expected}`);
      else result.push(parsedValue);
    }
    return result;
  }

  const path = (given: string): string => (isAbsolute(given) ? resolve(given) : resolve(cwd, given));
  const optionalPath = (spec: ValueSpec<string | null>): string | null => {
    const given = value(spec);
    return given === null ? null : path(given);
  };

  const host = value(OPTIONS.host).trim();
  if (host === '') problems.push('--host: must not be empty');
  const port = value(OPTIONS.port);
  const token = value(OPTIONS.token);
  if (token !== null) {
    const source = raw(OPTIONS.token)?.source ?? 'token';
    // Whitespace adds no strength, and around the token it is a copy-paste slip that Bearer headers would drop.
    if (token.replace(/\s/g, '').length < MIN_TOKEN_CHARS)
      problems.push(`${source}: a token needs at least ${MIN_TOKEN_CHARS} characters that are not whitespace`);
    else if (token.trim() !== token) problems.push(`${source}: a token must not start or end with whitespace`);
  }
  const sessionTtlMs = value(OPTIONS.sessionTtl);
  const retentionDays = value(OPTIONS.retentionDays);
  const staleAfterMs = value(OPTIONS.staleAfter);
  const maxLineBytes = value(OPTIONS.maxLineBytes);
  const maxDepth = value(OPTIONS.maxDepth);
  const identifierFields = value(OPTIONS.identifierFields);
  const logLevel = value(OPTIONS.logLevel);
  const insecure = value(OPTIONS.insecure);
  const poll = value(OPTIONS.poll);
  const deleteFilesOnRetention = value(OPTIONS.retentionDeleteFiles);
  const webDir = optionalPath(OPTIONS.webDir);
  const publicUrl = value(OPTIONS.publicUrl);
  const allowedHosts = list(OPTIONS.allowedHost);
  const allowedOrigins = list(OPTIONS.allowedOrigin);

  if (host !== '' && !isLoopbackHost(host) && token === null && !insecure) {
    problems.push(
      `refusing to listen on ${host} (not loopback) without a token: set RUNBOARD_TOKEN, or pass --insecure to allow it`,
    );
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      runsDir: path(value(OPTIONS.runsDir)),
      dbFile: path(value(OPTIONS.db)),
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
      configFile: optionalPath(OPTIONS.config),
    },
  };
}
