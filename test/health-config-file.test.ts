import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GRACE_MS,
  formatConfigProblem,
  maskConfigForDisplay,
  parseConfigFile,
  type ConfigFileResult,
  type RunboardFileConfig,
} from '../health/config-file.js';

const FILE = '/etc/runboard/runboard.yaml';

function ok(text: string, env: Record<string, string> = {}): RunboardFileConfig {
  const result = parseConfigFile(text, { file: FILE, env });
  if (!result.ok) throw new Error(result.problems.map(formatConfigProblem).join('\n'));
  return result.config;
}

function problems(text: string, env: Record<string, string> = {}): string[] {
  const result: ConfigFileResult = parseConfigFile(text, { file: FILE, env });
  if (result.ok) throw new Error('expected problems');
  return result.problems.map(formatConfigProblem);
}

const EXAMPLE = `
pipelines:
  - pipeline: people          # required
    club: rondo               # optional: omitted = this pipeline in every club
    schedule: "0 3 * * *"     # cron, 5 fields, or 6 with seconds first
    timezone: Europe/Amsterdam
    grace: 15m
    maxDuration: 2h
    identifierFields: [knvb_id]
  - pipeline: heartbeat
    schedule: "*/5 * * * * *"
    grace: 2s
  - pipeline: backup
crontabs: [/etc/cron.d/rondo-sync, cron/extra]
publicUrl: https://runboard.example.org/
alerts:
  channels:
    - name: ops-mail
      type: email
      smtp: smtp://ops:\${SMTP_PASSWORD}@smtp.example.org
      from: runboard@example.org
      to: ops@example.org
  rules:
    - { channels: [ops-mail] }
`;

describe('parseConfigFile', () => {
  it('reads the documented example into typed entries with defaults', () => {
    const config = ok(EXAMPLE, { SMTP_PASSWORD: 'hunter2hunter2' });
    expect(config.pipelines).toEqual([
      {
        pipeline: 'people',
        club: 'rondo',
        schedule: '0 3 * * *',
        timezone: 'Europe/Amsterdam',
        graceMs: 900_000,
        maxDurationMs: 7_200_000,
        identifierFields: ['knvb_id'],
        path: 'pipelines[0]',
      },
      {
        pipeline: 'heartbeat',
        club: null,
        schedule: '*/5 * * * * *',
        timezone: null,
        graceMs: 2000,
        maxDurationMs: null,
        identifierFields: null,
        path: 'pipelines[1]',
      },
      {
        pipeline: 'backup',
        club: null,
        schedule: null,
        timezone: null,
        graceMs: DEFAULT_GRACE_MS,
        maxDurationMs: null,
        identifierFields: null,
        path: 'pipelines[2]',
      },
    ]);
    expect(config.crontabs).toEqual(['/etc/cron.d/rondo-sync', '/etc/runboard/cron/extra']);
    expect(config.publicUrl).toBe('https://runboard.example.org');
    expect(config.alertsConfig.channels).toEqual([
      {
        name: 'ops-mail',
        type: 'email',
        smtp: 'smtp://ops:hunter2hunter2@smtp.example.org',
        from: 'runboard@example.org',
        to: ['ops@example.org'],
      },
    ]);
  });

  it('the deploy example (deploy/runboard.example.yaml) is a valid file, global identifier fields included', () => {
    const text = readFileSync(fileURLToPath(new URL('../deploy/runboard.example.yaml', import.meta.url)), 'utf8');
    const config = ok(text);
    expect(config.identifierFields).toEqual(['identifier', 'knvb_id', 'memberId']);
    expect(config.pipelines[0]?.identifierFields).toEqual(['lidnummer']);
  });

  it('reads JSON as well', () => {
    const config = ok('{"pipelines": [{"pipeline": "people", "schedule": "@daily", "grace": 60000}]}');
    expect(config.pipelines[0]).toMatchObject({ pipeline: 'people', schedule: '@daily', graceMs: 60_000 });
    expect(config.crontabs).toEqual([]);
    expect(config.publicUrl).toBeUndefined();
    expect(config.alerts).toBeUndefined();
  });

  it('an empty file or one with only comments is an empty config', () => {
    for (const text of ['', '# nothing yet\n', 'pipelines:\n']) {
      expect(ok(text).pipelines).toEqual([]);
    }
  });

  it('reports every problem, one line each: file:line:col: path: what is wrong', () => {
    const text = [
      'pipelines:', // 1
      '  - pipeline: people', // 2
      '    schedule: "0 3 * *"', // 3
      '    timezone: Europe/Amstredam', // 4
      '    grace: 15 minutes', // 5
      '  - club: rondo', // 6
      '    schedul: "0 4 * * *"', // 7
      '  - pipeline: people', // 8
      '    maxDuration: -1h', // 9
      '    identifierFields: knvb_id', // 10
      '  - pipeline: 2024', // 11
      'crontabs: /etc/cron.d/x', // 12
      'publicUrl: runboard.example.org', // 13
      'pubilcUrl: x', // 14
    ].join('\n');
    expect(problems(text)).toEqual([
      `${FILE}:3:15: pipelines[0].schedule: "0 3 * *" has 4 fields; a schedule has 5 (minute hour day month weekday) or 6 (seconds first)`,
      `${FILE}:4:15: pipelines[0].timezone: "Europe/Amstredam" is not an IANA time zone (e.g. Europe/Amsterdam)`,
      `${FILE}:5:12: pipelines[0].grace: "15 minutes" is not a duration such as 90s, 15m, 2h, 1d (or a number of ms)`,
      `${FILE}:6:5: pipelines[1]: pipeline: is required`,
      `${FILE}:7:5: pipelines[1].schedul: unknown key; did you mean schedule?`,
      `${FILE}:8:5: pipelines[2]: people (every club) is already configured at pipelines[0]`,
      `${FILE}:9:18: pipelines[2].maxDuration: "-1h" is not a duration such as 90s, 15m, 2h, 1d (or a number of ms)`,
      `${FILE}:10:23: pipelines[2].identifierFields: must be a list of strings, e.g. [knvb_id]`,
      `${FILE}:11:15: pipelines[3].pipeline: must be a non-empty string (quote it)`,
      `${FILE}:12:11: crontabs: must be a list of cron file paths, e.g. [/etc/cron.d/rondo-sync]`,
      `${FILE}:13:12: publicUrl: "runboard.example.org" is not an absolute http(s) URL, e.g. https://runboard.example.org`,
      `${FILE}:14:1: pubilcUrl: unknown key; did you mean publicUrl?`,
    ]);
  });

  it('a duplicate pipeline entry points at the first one', () => {
    const text = 'pipelines:\n  - pipeline: a\n    club: x\n  - pipeline: a\n  - pipeline: a\n    club: x\n';
    expect(problems(text)).toEqual([`${FILE}:5:5: pipelines[2]: a (club x) is already configured at pipelines[0]`]);
  });

  it('YAML syntax errors carry line and column and stay one line', () => {
    const [duplicate] = problems('pipelines:\n  - pipeline: a\n    pipeline: b\n');
    expect(duplicate).toBe(`${FILE}:3:5: Map keys must be unique`);
    const broken = problems('pipelines:\n  - [pipeline: a\n');
    expect(broken.length).toBeGreaterThan(0);
    for (const line of broken) {
      expect(line).toMatch(new RegExp(`^${FILE}:\\d+:\\d+: `));
      expect(line).not.toContain('\n');
    }
  });

  it('the top level must be a map; an alias bomb is refused, not expanded', () => {
    expect(problems('- a\n- b\n')).toEqual([
      `${FILE}:1:1: the file must be a map with keys such as pipelines:, crontabs:, publicUrl:`,
    ]);
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    expect(problems(bomb)[0]).toMatch(/alias/i);
  });
});

describe('${VAR} expansion', () => {
  it('expands from the env passed in, in values only, after parsing', () => {
    const config = ok(
      [
        'pipelines:',
        '  - pipeline: ${PIPE}-sync',
        '    club: "${CLUB}"',
        '    grace: ${GRACE}',
        'publicUrl: https://${HOST}/runboard',
        'alerts:',
        '  channels:',
        '    - name: hook',
        '      type: webhook',
        '      url: https://hooks.example.org/in',
        '      headers: { X-Note: "costs $$5; $HOME and $${LITERAL} stay as written" }',
      ].join('\n'),
      { PIPE: 'people', CLUB: 'a: b\n- c', GRACE: '90s', HOST: 'runboard.example.org' },
    );
    expect(config.pipelines[0]).toMatchObject({ pipeline: 'people-sync', club: 'a: b\n- c', graceMs: 90_000 });
    expect(config.publicUrl).toBe('https://runboard.example.org/runboard');
    expect(config.alertsConfig.channels[0]).toMatchObject({
      headers: { 'X-Note': 'costs $5; $HOME and ${LITERAL} stay as written' },
    });
    expect(config.expanded).toEqual({
      'pipelines[0].pipeline': '${PIPE}-sync',
      'pipelines[0].club': '${CLUB}',
      'pipelines[0].grace': '${GRACE}',
      publicUrl: 'https://${HOST}/runboard',
    });
  });

  it('an undefined or malformed variable is a problem, once; a value from the env never appears in one', () => {
    const lines = problems(
      [
        'pipelines:',
        '  - pipeline: people',
        '    schedule: ${SCHEDULE}',
        '    grace: ${MISSING}',
        '    club: ${not-a-name}',
        'publicUrl: ${SECRET_URL',
      ].join('\n'),
      { SCHEDULE: 'hunter2 is my password' },
    );
    expect(lines).toEqual([
      `${FILE}:3:15: pipelines[0].schedule: "\${SCHEDULE}" has 4 fields; a schedule has 5 (minute hour day month weekday) or 6 (seconds first)`,
      `${FILE}:4:12: pipelines[0].grace: \${MISSING} is not set in the environment`,
      `${FILE}:5:11: pipelines[0].club: \${not-a-name} is not a variable name (letters, digits, _)`,
      `${FILE}:6:12: publicUrl: unclosed \${ in "\${SECRET_URL"`,
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });
});

describe('maskConfigForDisplay', () => {
  it('hides secrets: expanded values show their template, secret-named keys show stars, URL passwords are hidden', () => {
    const config = ok(
      [
        'pipelines:',
        '  - pipeline: people',
        '    club: ${CLUB}',
        'publicUrl: https://runboard.example.org',
        'alerts:',
        '  channels:',
        '    - { name: mail, type: email, smtp: "smtp://mailer:s3cret@smtp.example.org:587", from: a@b, to: [c@d] }',
        '    - { name: slack, type: slack, url: "https://hooks.slack.com/services/T0/B0/xyz" }',
        '    - name: hook',
        '      type: webhook',
        '      url: https://example.org/hook?token=abc',
        '      secret: literal-in-file',
        '      headers: { X-Api-Key: k123 }',
        '    - { name: ntfy, type: ntfy, url: "https://ntfy.example.org/topic", token: "${API_TOKEN}" }',
      ].join('\n'),
      { CLUB: 'rondo', API_TOKEN: 'tok-123456' },
    );
    const shown = maskConfigForDisplay(config);
    expect(shown).toEqual({
      pipelines: [{ pipeline: 'people', club: '${CLUB}' }],
      publicUrl: 'https://runboard.example.org',
      alerts: {
        channels: [
          {
            name: 'mail',
            type: 'email',
            smtp: 'smtp://mailer:********@smtp.example.org:587',
            from: 'a@b',
            to: ['c@d'],
          },
          { name: 'slack', type: 'slack', url: 'https://hooks.slack.com/********' },
          {
            name: 'hook',
            type: 'webhook',
            url: 'https://example.org/********',
            secret: '********',
            headers: { 'X-Api-Key': '********' },
          },
          { name: 'ntfy', type: 'ntfy', url: 'https://ntfy.example.org/********', token: '********' },
        ],
      },
    });
    const text = JSON.stringify(shown);
    for (const secret of ['s3cret', 'literal-in-file', 'xyz', 'abc', 'k123', 'tok-123456', 'rondo']) {
      expect(text).not.toContain(secret);
    }
  });
});
