// `runboard tail` flags and environment (pure: `now` and `env` are given).
import { describe, expect, it } from 'vitest';
import { liveUrlOf, parseSince, parseTailArgs } from '../app/tail/args.js';
import { exitCodeForRun } from '../app/tail/exit-status.js';
import { lineShown, linesPast, mergeByTime, runMatches } from '../app/tail/select.js';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

function parse(argv: string[], env: NodeJS.ProcessEnv = {}) {
  return parseTailArgs(argv, env, NOW);
}

describe('parseTailArgs', () => {
  it('defaults to every run on http://127.0.0.1:3000, pretty, no token', () => {
    expect(parse([])).toEqual({
      ok: true,
      options: {
        baseUrl: 'http://127.0.0.1:3000/',
        token: null,
        club: null,
        pipeline: null,
        run: null,
        minLevel: null,
        sinceTime: null,
        json: false,
        exitStatus: false,
      },
    });
  });

  it('reads every flag', () => {
    const parsed = parse([
      '--club',
      'rondo',
      '--pipeline',
      'people',
      '--run',
      'latest',
      '--level',
      'warn',
      '--since',
      '10m',
      '--url',
      'https://dash.example/runboard',
      '--token',
      'secret-token-123',
      '--json',
      '--exit-status',
    ]);
    expect(parsed).toEqual({
      ok: true,
      options: {
        baseUrl: 'https://dash.example/runboard/',
        token: 'secret-token-123',
        club: 'rondo',
        pipeline: 'people',
        run: { kind: 'latest' },
        minLevel: 40,
        sinceTime: NOW - 600_000,
        json: true,
        exitStatus: true,
      },
    });
    expect(parse(['--run', '42', '--level', '35'])).toMatchObject({
      ok: true,
      options: { run: { kind: 'id', id: 42 }, minLevel: 35 },
    });
  });

  it('falls back to RUNBOARD_URL and RUNBOARD_TOKEN; flags win', () => {
    const env = { RUNBOARD_URL: 'http://10.0.0.5:8080', RUNBOARD_TOKEN: 'from-the-env-123' };
    expect(parse([], env)).toMatchObject({
      ok: true,
      options: { baseUrl: 'http://10.0.0.5:8080/', token: 'from-the-env-123' },
    });
    expect(parse(['--url', 'http://h:1', '--token', 'flag-token-1234'], env)).toMatchObject({
      ok: true,
      options: { baseUrl: 'http://h:1/', token: 'flag-token-1234' },
    });
  });

  it('refuses what it cannot use, with one line saying why', () => {
    const problems = [
      ['--run', '0'],
      ['--run', 'newest'],
      ['--level', 'loud'],
      ['--since', 'yesterday'],
      ['--since', '10'],
      ['--url', 'ftp://x'],
      ['--url', 'http://user:pw@x'],
      ['--exit-status'],
      ['--club', ''],
      ['--bogus'],
      ['stray'],
    ].map((argv) => parse(argv));
    for (const result of problems) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem).not.toContain('\n');
    }
    expect(parse(['--exit-status'])).toEqual({
      ok: false,
      problem: '--exit-status needs --run ID or --run latest (the run whose end decides the code)',
    });
  });

  it('takes --since as a duration or an ISO date', () => {
    expect(parseSince('90s', NOW)).toBe(NOW - 90_000);
    expect(parseSince('2h', NOW)).toBe(NOW - 7_200_000);
    expect(parseSince('1d', NOW)).toBe(NOW - 86_400_000);
    expect(parseSince('2026-11-30T11:00:00Z', NOW)).toBe(NOW - 3_600_000);
    expect(parseSince('May', NOW)).toBeNull();
  });

  it('derives the live socket URL, keeping a path prefix', () => {
    expect(liveUrlOf('http://127.0.0.1:3000/')).toBe('ws://127.0.0.1:3000/api/live');
    expect(liveUrlOf('https://dash.example/runboard/')).toBe('wss://dash.example/runboard/api/live');
  });
});

describe('exit status', () => {
  it('is 0 only for a recorded success, 1 for any other end, and undecided while running', () => {
    expect(exitCodeForRun('running')).toBeNull();
    expect(exitCodeForRun('success')).toBe(0);
    expect(exitCodeForRun('failure')).toBe(1);
    expect(exitCodeForRun('abandoned')).toBe(1);
  });
});

describe('selection', () => {
  it('matches runs by club and pipeline', () => {
    const run = { club: 'rondo', pipeline: 'people' };
    expect(runMatches(run, { club: null, pipeline: null })).toBe(true);
    expect(runMatches(run, { club: 'rondo', pipeline: 'people' })).toBe(true);
    expect(runMatches(run, { club: 'other', pipeline: null })).toBe(false);
    expect(runMatches(run, { club: null, pipeline: 'teams' })).toBe(false);
  });

  it('filters by level but keeps run and step starts and ends', () => {
    expect(lineShown({ level: 30, event: null }, 40)).toBe(false);
    expect(lineShown({ level: 40, event: null }, 40)).toBe(true);
    expect(lineShown({ level: 30, event: 'step.start' }, 50)).toBe(true);
    expect(lineShown({ level: 30, event: 'step.end' }, 50)).toBe(true);
    expect(lineShown({ level: 30, event: 'step.progress' }, 50)).toBe(false);
    expect(lineShown({ level: 10, event: null }, null)).toBe(true);
  });

  it('drops lines at or before the last offset handled', () => {
    const lines = [{ offset: 0 }, { offset: 100 }, { offset: 250 }];
    expect(linesPast(lines, -1)).toEqual(lines);
    expect(linesPast(lines, 100)).toEqual([{ offset: 250 }]);
    expect(linesPast(lines, 250)).toEqual([]);
  });

  it('interleaves runs by time and keeps each run in file order', () => {
    const a = [
      { runId: 1, time: 10, offset: 0 },
      { runId: 1, time: 5, offset: 1 }, // stamped earlier, still after its predecessor
      { runId: 1, time: 30, offset: 2 },
    ];
    const b = [
      { runId: 2, time: 10, offset: 0 },
      { runId: 2, time: 20, offset: 1 },
    ];
    expect(mergeByTime([a, b]).map((l) => `${l.runId}:${l.offset}`)).toEqual(['1:0', '1:1', '2:0', '2:1', '1:2']);
  });
});
