// `runboard start` configuration resolution: flags over env over defaults, and every problem as one line.
import { describe, expect, it } from 'vitest';
import {
  isLoopbackHost,
  parseBytes,
  parseDuration,
  resolveConfig,
  startHelpOptions,
  type ConfigResult,
  type RunboardConfig,
} from '../app/config.js';

const cwd = '/srv/app';

function ok(result: ConfigResult): RunboardConfig {
  if (!result.ok) throw new Error(`expected a config, got: ${result.problems.join(' | ')}`);
  return result.config;
}
function problems(result: ConfigResult): string[] {
  if (result.ok) throw new Error('expected problems, got a config');
  return result.problems;
}

describe('resolveConfig', () => {
  it('uses the documented defaults, paths resolved against cwd', () => {
    expect(ok(resolveConfig([], {}, cwd))).toEqual({
      runsDir: '/srv/app/data/runs',
      dbFile: '/srv/app/data/dashboard.sqlite',
      host: '127.0.0.1',
      port: 3000,
      token: null,
      retentionDays: 90,
      deleteFilesOnRetention: false,
      staleAfterMs: 3_600_000,
      maxLineBytes: 1_048_576,
      maxDepth: 64,
      identifierFields: ['identifier', 'knvb_id', 'memberId', 'member_id', 'id'],
      logLevel: 'info',
      insecure: false,
      poll: false,
      webDir: null,
      sessionTtlMs: 7 * 86_400_000,
      publicUrl: null,
      allowedHosts: [],
      allowedOrigins: [],
      configFile: null,
    });
  });

  it('takes repeatable --allowed-host/--allowed-origin flags, or comma-separated variables, and a public URL', () => {
    const fromFlags = ok(
      resolveConfig(
        [
          '--allowed-host',
          'Dash.Example.com',
          '--allowed-host=10.0.0.5:3000',
          '--allowed-origin',
          'http://localhost:5173/',
          '--public-url',
          'https://runboard.example.org/board',
        ],
        { RUNBOARD_ALLOWED_HOST: 'ignored.example' },
        cwd,
      ),
    );
    expect(fromFlags).toMatchObject({
      allowedHosts: ['dash.example.com', '10.0.0.5:3000'],
      allowedOrigins: ['http://localhost:5173'],
      publicUrl: 'https://runboard.example.org/board',
    });
    const fromEnv = ok(
      resolveConfig(
        [],
        {
          RUNBOARD_ALLOWED_HOST: 'a.example, [::1]:8080',
          RUNBOARD_ALLOWED_ORIGIN: 'https://a.example',
          RUNBOARD_PUBLIC_URL: 'http://b.example:8080',
        },
        cwd,
      ),
    );
    expect(fromEnv).toMatchObject({
      allowedHosts: ['a.example', '[::1]:8080'],
      allowedOrigins: ['https://a.example'],
      publicUrl: 'http://b.example:8080',
    });
    expect(
      problems(
        resolveConfig(
          ['--allowed-host', 'http://x.example', '--allowed-origin', 'x.example', '--public-url', 'ftp://x'],
          {},
          cwd,
        ),
      ),
    ).toEqual([
      '--public-url: "ftp://x" is not an http:// or https:// URL',
      '--allowed-host: "http://x.example" is not a host name, optionally with :port (e.g. dash.example.com or 10.0.0.5:3000)',
      '--allowed-origin: "x.example" is not an origin such as https://dash.example.com',
    ]);
  });

  it('reads every RUNBOARD_* variable', () => {
    const config = ok(
      resolveConfig(
        [],
        {
          RUNBOARD_RUNS_DIR: '/var/lib/runboard/runs',
          RUNBOARD_DB: 'db/x.sqlite',
          RUNBOARD_HOST: '0.0.0.0',
          RUNBOARD_PORT: '8080',
          RUNBOARD_TOKEN: 's3cret-token-0123456789',
          RUNBOARD_RETENTION_DAYS: '30',
          RUNBOARD_RETENTION_DELETE_FILES: 'yes',
          RUNBOARD_STALE_AFTER: '30m',
          RUNBOARD_MAX_LINE_BYTES: '512KiB',
          RUNBOARD_LOG_LEVEL: 'DEBUG',
          RUNBOARD_POLL: '1',
          RUNBOARD_WEB_DIR: 'web-build',
        },
        cwd,
      ),
    );
    expect(config).toMatchObject({
      runsDir: '/var/lib/runboard/runs',
      dbFile: '/srv/app/db/x.sqlite',
      host: '0.0.0.0',
      port: 8080,
      token: 's3cret-token-0123456789',
      retentionDays: 30,
      deleteFilesOnRetention: true,
      staleAfterMs: 1_800_000,
      maxLineBytes: 524_288,
      logLevel: 'debug',
      poll: true,
      insecure: false,
      webDir: '/srv/app/web-build',
    });
  });

  it('prefers flags over the environment, and treats empty variables as unset', () => {
    const config = ok(
      resolveConfig(
        ['--port', '0', '--runs-dir=/tmp/runs', '--poll', '--stale-after', '90s'],
        { RUNBOARD_PORT: '9000', RUNBOARD_RUNS_DIR: '/elsewhere', RUNBOARD_TOKEN: '', RUNBOARD_STALE_AFTER: '' },
        cwd,
      ),
    );
    expect(config).toMatchObject({ port: 0, runsDir: '/tmp/runs', token: null, poll: true, staleAfterMs: 90_000 });
  });

  it('refuses a non-loopback bind without a token unless --insecure', () => {
    const [problem, ...rest] = problems(resolveConfig(['--host', '0.0.0.0'], {}, cwd));
    expect(rest).toEqual([]);
    expect(problem).toMatch(/0\.0\.0\.0.*not loopback.*RUNBOARD_TOKEN.*--insecure/);
    expect(ok(resolveConfig(['--host', '0.0.0.0', '--insecure'], {}, cwd)).insecure).toBe(true);
    expect(ok(resolveConfig(['--host', '0.0.0.0'], { RUNBOARD_TOKEN: 'long-enough-0123456789' }, cwd)).host).toBe(
      '0.0.0.0',
    );
    expect(ok(resolveConfig(['--host', '::1'], {}, cwd)).host).toBe('::1');
    expect(ok(resolveConfig(['--host', 'localhost'], {}, cwd)).host).toBe('localhost');
  });

  it('names each malformed value with where it came from, one line each', () => {
    const found = problems(
      resolveConfig(
        ['--port', '70000', '--max-line-bytes', '12'],
        {
          RUNBOARD_RETENTION_DAYS: 'forever',
          RUNBOARD_STALE_AFTER: '1 fortnight',
          RUNBOARD_LOG_LEVEL: 'loud',
          RUNBOARD_POLL: 'maybe',
          RUNBOARD_TOKEN: 'short',
        },
        cwd,
      ),
    );
    expect(found).toEqual([
      '--port: "70000" is not a port number (an integer 0..65535)',
      'RUNBOARD_TOKEN: a token needs at least 16 characters that are not whitespace',
      'RUNBOARD_RETENTION_DAYS: "forever" is not a whole number of days from 1 to 36500',
      'RUNBOARD_STALE_AFTER: "1 fortnight" is not a duration such as 30m, 1h, 90s or 5000 (ms)',
      '--max-line-bytes: "12" is not a size from 1024 bytes to 256MiB (e.g. 1048576, 512KiB, 1MiB)',
      'RUNBOARD_LOG_LEVEL: "loud" is not a log level (fatal, error, warn, info, debug, trace, silent)',
      'RUNBOARD_POLL: "maybe" is not a boolean (1/0, true/false, yes/no)',
    ]);
    for (const line of found) expect(line).not.toContain('\n');
  });

  it('wants a token of 16 characters that are not whitespace, without whitespace around it', () => {
    const tokenProblems = (token: string) => problems(resolveConfig([], { RUNBOARD_TOKEN: token }, cwd));
    expect(tokenProblems('0123456789abcde')).toEqual([
      'RUNBOARD_TOKEN: a token needs at least 16 characters that are not whitespace',
    ]);
    expect(tokenProblems('a b c d e f g h i j k l m n o')).toEqual([
      'RUNBOARD_TOKEN: a token needs at least 16 characters that are not whitespace',
    ]);
    expect(tokenProblems('0123456789abcdef ')).toEqual([
      'RUNBOARD_TOKEN: a token must not start or end with whitespace',
    ]);
    expect(ok(resolveConfig(['--token', '0123456789abcdef'], {}, cwd)).token).toBe('0123456789abcdef');
  });

  it('reads --session-ttl as a duration', () => {
    expect(ok(resolveConfig(['--session-ttl', '12h'], {}, cwd)).sessionTtlMs).toBe(43_200_000);
    expect(ok(resolveConfig([], { RUNBOARD_SESSION_TTL: '30d' }, cwd)).sessionTtlMs).toBe(30 * 86_400_000);
    expect(problems(resolveConfig(['--session-ttl', 'forever'], {}, cwd))).toEqual([
      '--session-ttl: "forever" is not a duration such as 30m, 12h or 7d',
    ]);
  });

  it('reads a negative number after a flag as its value, not as another flag', () => {
    for (const argv of [['--port', '-1'], ['--port=-1']]) {
      expect(problems(resolveConfig(argv, {}, cwd))).toEqual([
        '--port: "-1" is not a port number (an integer 0..65535)',
      ]);
    }
    expect(problems(resolveConfig(['--retention-days', '-5'], {}, cwd))).toEqual([
      '--retention-days: "-5" is not a whole number of days from 1 to 36500',
    ]);
  });

  it('reports an unknown flag or a missing value as one line', () => {
    const [unknown] = problems(resolveConfig(['--prot', '3000'], {}, cwd));
    expect(unknown).toMatch(/--prot/);
    const [missing] = problems(resolveConfig(['--port'], {}, cwd));
    expect(missing).toMatch(/--port/);
    expect(`${unknown}${missing}`).not.toContain('\n');
  });
});

describe('value parsers', () => {
  it('parses durations', () => {
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('5000')).toBe(5000);
    expect(parseDuration('2d')).toBe(172_800_000);
    for (const bad of ['', '0', '-1h', 'h', '1w', '1h30m', 'NaN']) expect(parseDuration(bad)).toBeNull();
  });

  it('parses byte sizes', () => {
    expect(parseBytes('1048576')).toBe(1_048_576);
    expect(parseBytes('1MiB')).toBe(1_048_576);
    expect(parseBytes('512kb')).toBe(524_288);
    expect(parseBytes('2M')).toBe(2_097_152);
    for (const bad of ['', '1GiB', '-5', '1.5MiB', 'lots']) expect(parseBytes(bad)).toBeNull();
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'example.com', '128.0.0.1'])
      expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('--help options', () => {
  it('lists every option with its environment variable and default', () => {
    const help = startHelpOptions();
    const text = help.map(([flag, description]) => `${flag} ${description}`).join('\n');
    for (const env of [
      'RUNBOARD_RUNS_DIR',
      'RUNBOARD_DB',
      'RUNBOARD_HOST',
      'RUNBOARD_PORT',
      'RUNBOARD_TOKEN',
      'RUNBOARD_RETENTION_DAYS',
      'RUNBOARD_STALE_AFTER',
      'RUNBOARD_MAX_LINE_BYTES',
      'RUNBOARD_LOG_LEVEL',
    ]) {
      expect(text).toContain(env);
    }
    expect(text).toContain('--insecure');
    expect(text).toContain('--poll');
    for (const [, description] of help) expect(description).toMatch(/default /);
  });
});
