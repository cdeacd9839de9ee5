import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crontabFormatForPath, findRunboardExec, parseCrontab } from '../health/crontab.js';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`./fixtures/crontabs/${name}`, import.meta.url)), 'utf8');

describe('parseCrontab, system format (/etc/cron.d)', () => {
  const result = parseCrontab(fixture('rondo-sync'), '/etc/cron.d/rondo-sync');

  it('finds every runboard exec line with its schedule, zone, user and file:line', () => {
    expect(result.entries).toEqual([
      {
        pipeline: 'people',
        club: 'rondo',
        schedule: '0 3 * * *',
        timezone: 'Europe/Amsterdam',
        user: 'rondo',
        source: '/etc/cron.d/rondo-sync:8',
      },
      {
        pipeline: 'teams',
        club: 'rondo',
        schedule: '*/15 6-22 * * 1-5',
        timezone: 'Europe/Amsterdam',
        user: 'rondo',
        source: '/etc/cron.d/rondo-sync:9',
      },
      {
        pipeline: 'backup',
        club: 'rondo',
        schedule: '@daily',
        timezone: 'Europe/Amsterdam',
        user: 'rondo',
        source: '/etc/cron.d/rondo-sync:10',
      },
      {
        pipeline: 'invoices',
        club: null,
        schedule: '15 4 1 * *',
        timezone: 'Europe/Amsterdam',
        user: 'rondo',
        source: '/etc/cron.d/rondo-sync:15',
      },
      {
        pipeline: 'reports',
        club: null,
        schedule: '0 */6 * * *',
        timezone: 'UTC',
        user: 'rondo',
        source: '/etc/cron.d/rondo-sync:17',
      },
    ]);
    expect(result.problems).toEqual([]);
  });

  it('ignores @reboot, other jobs, comments and env lines', () => {
    const pipelines = result.entries.map((entry) => entry.pipeline);
    expect(pipelines).not.toContain('warmup');
    expect(pipelines).not.toContain('not-this-one'); // after cron's `%`: stdin, not the command
  });
});

describe('parseCrontab, user format', () => {
  const result = parseCrontab(fixture('user-crontab'), '/var/spool/cron/crontabs/rondo');

  it('reads lines without a user field, honouring TZ=', () => {
    expect(result.entries).toEqual([
      {
        pipeline: 'nightly',
        club: null,
        schedule: '30 1 * * *',
        timezone: 'America/New_York',
        user: null,
        source: '/var/spool/cron/crontabs/rondo:4',
      },
      {
        pipeline: 'weekly',
        club: 'north',
        schedule: '0 9 * * MON',
        timezone: 'America/New_York',
        user: null,
        source: '/var/spool/cron/crontabs/rondo:5',
      },
    ]);
  });

  it('says what is wrong with each runboard line it cannot use, and only those', () => {
    expect(result.problems).toEqual([
      {
        source: '/var/spool/cron/crontabs/rondo:6',
        message: '--pipeline $PIPE uses a shell variable; name the pipeline literally',
      },
      { source: '/var/spool/cron/crontabs/rondo:7', message: 'runs runboard exec without --pipeline' },
      {
        source: '/var/spool/cron/crontabs/rondo:8',
        message: '"61 3 * * *" is not a valid cron expression: Invalid value for minute: 61',
      },
      {
        source: '/var/spool/cron/crontabs/rondo:11',
        message: 'CRON_TZ=Mars/Olympus (line 10) is not an IANA time zone',
      },
    ]);
  });

  it('the format parameter overrides the path', () => {
    const asSystem = parseCrontab('0 3 * * * runboard exec --pipeline p -- x', 'crontab', 'system');
    // In system format the sixth word is the user, so "runboard" is taken as the user and the command is "exec …".
    expect(asSystem.entries).toEqual([]);
    const asUser = parseCrontab('0 3 * * * runboard exec --pipeline p -- x', 'crontab', 'user');
    expect(asUser.entries.map((entry) => entry.pipeline)).toEqual(['p']);
  });

  it('handles CRLF line ends and a CRON_TZ reset', () => {
    const text =
      'CRON_TZ=Europe/Amsterdam\r\n0 3 * * * runboard exec --pipeline a -- x\r\nCRON_TZ=\r\n0 3 * * * runboard exec --pipeline b -- x\r\n';
    expect(parseCrontab(text, 'c', 'user').entries.map((entry) => [entry.pipeline, entry.timezone])).toEqual([
      ['a', 'Europe/Amsterdam'],
      ['b', null],
    ]);
  });

  it('never throws on junk', () => {
    const junk = [
      '* * *',
      '@',
      '@every 5m runboard exec --pipeline x',
      '"unterminated',
      'a=b=c',
      '\u0000\u0001',
      '',
    ].join('\n');
    expect(parseCrontab(junk, 'junk', 'user')).toEqual({ entries: [], problems: [] });
  });
});

describe('crontabFormatForPath', () => {
  it('knows where cron expects a user field', () => {
    expect(crontabFormatForPath('/etc/crontab')).toBe('system');
    expect(crontabFormatForPath('/etc/cron.d/rondo-sync')).toBe('system');
    expect(crontabFormatForPath('/var/spool/cron/crontabs/rondo')).toBe('user');
    expect(crontabFormatForPath('/home/rondo/my.cron')).toBe('user');
  });
});

describe('findRunboardExec', () => {
  const cases: Array<[string, Array<{ pipeline: string; club: string | null }>]> = [
    ['runboard exec --pipeline people -- node x.js', [{ pipeline: 'people', club: null }]],
    ['runboard exec --pipeline=people --club=rondo -- x', [{ pipeline: 'people', club: 'rondo' }]],
    ['cd /opt/app && runboard exec --club rondo --pipeline people -- x', [{ pipeline: 'people', club: 'rondo' }]],
    ['npx runboard exec --pipeline people -- x', [{ pipeline: 'people', club: null }]],
    ['npx --yes runboard@1.2.0 exec --pipeline people -- x', [{ pipeline: 'people', club: null }]],
    ['/usr/bin/runboard exec --pipeline people -- x', [{ pipeline: 'people', club: null }]],
    ['/opt/app/node_modules/.bin/runboard exec --pipeline people -- x', [{ pipeline: 'people', club: null }]],
    ['FOO=1 BAR="a b" runboard exec --pipeline people -- x', [{ pipeline: 'people', club: null }]],
    [
      'runboard exec --runs-dir /r --trigger cron --quiet --pipeline "the people" -- x',
      [{ pipeline: 'the people', club: null }],
    ],
    ["runboard exec --pipeline 'a$b' -- x", [{ pipeline: 'a$b', club: null }]],
    ['sh -c "cd /x && runboard exec --pipeline inner --club c -- y"', [{ pipeline: 'inner', club: 'c' }]],
    [
      'runboard exec --pipeline a -- x; runboard exec --pipeline b -- y',
      [
        { pipeline: 'a', club: null },
        { pipeline: 'b', club: null },
      ],
    ],
    ['runboard exec --pipeline a -- runboard-like --pipeline b', [{ pipeline: 'a', club: null }]],
    ['echo runboard; exec --pipeline x', []],
    ['myrunboard exec --pipeline x -- y', []],
    ['runboard start --pipeline x', []],
  ];
  it.each(cases)('%s', (command, expected) => {
    expect(findRunboardExec(command)).toEqual(expected);
  });

  it('reports a club from a variable', () => {
    expect(findRunboardExec('runboard exec --pipeline p --club $CLUB -- x')).toEqual([
      { problem: '--club $CLUB uses a shell variable; name the club literally' },
    ]);
  });
});
