// `runboard alerts backtest`, the pure replay: a seeded history and a config in, the alerts its rules would have
// sent out, in time order, from the same judge and rules the daemon runs.
import { describe, expect, it } from 'vitest';
import { parseConfigFile, type RunboardFileConfig } from '../health/config-file.js';
import { replayAlerts, type HistoryRun, type PipelineHistory, type ReplayResult } from '../health/replay.js';
import type { RunStatus } from '../shared/events.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 9, 1, 0, 0, 0);

function config(yaml: string): RunboardFileConfig {
  const parsed = parseConfigFile(yaml, { file: 'rb.yaml', env: {} });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

let nextId = 1;
function run(startedAt: number, minutes: number, status: RunStatus, extra: Partial<HistoryRun> = {}): HistoryRun {
  return {
    id: String(nextId++),
    status,
    startedAt,
    finishedAt: status === 'running' ? null : startedAt + minutes * MIN,
    durationMs: status === 'running' ? null : minutes * MIN,
    created: 1,
    updated: 1,
    failed: 0,
    errorCount: 0,
    declared: null,
    ...extra,
  };
}

function history(pipeline: string, runs: HistoryRun[], extra: Partial<PipelineHistory> = {}): PipelineHistory {
  return { club: 'rondo', pipeline, runs, watchingSince: null, errors: [], ...extra };
}

function replay(file: RunboardFileConfig, histories: PipelineHistory[], since: number, until: number): ReplayResult {
  return replayAlerts({
    histories,
    sources: { config: file.pipelines, crontab: [], defaultTimezone: 'UTC' },
    rules: file.alertsConfig.rules,
    since,
    until,
  });
}

const HOOK = `alerts:
  channels:
    - { name: hook, type: webhook, url: "http://127.0.0.1:9/hook" }
    - { name: mail, type: email, smtp: "smtp://127.0.0.1:2525", from: a@example.org, to: [b@example.org] }
`;

function brief(result: ReplayResult): string[] {
  return result.alerts.map(
    (a) => `${new Date(a.at).toISOString().slice(5, 16)} ${a.kind}${a.reminder ? '*' : ''} ${a.pipeline}`,
  );
}

describe('alerts backtest replay', () => {
  it('a failing streak sends one failed and one recovered; after: 3 waits for the third bad run', () => {
    const file = config(`${HOOK}  rules:
    - { channels: [hook], on: [failed, recovered], pipeline: people }
    - { channels: [mail], on: [failed, recovered], pipeline: people, after: 3 }
`);
    const runs = [run(T0, 5, 'success')];
    for (let i = 1; i <= 6; i++) runs.push(run(T0 + i * HOUR, 5, 'failure'));
    runs.push(run(T0 + 7 * HOUR, 5, 'success'));
    const result = replay(file, [history('people', runs)], T0 - DAY, T0 + DAY);
    expect(result.alerts.map((a) => [a.kind, a.channels.join(), a.at, a.runId])).toEqual([
      ['failed', 'hook', T0 + HOUR + 5 * MIN, runs[1]!.id],
      // The third failing run's end, not the next run's start.
      ['failed', 'mail', T0 + 3 * HOUR + 5 * MIN, runs[3]!.id],
      ['recovered', 'hook', T0 + 7 * HOUR + 5 * MIN, runs[7]!.id],
      ['recovered', 'mail', T0 + 7 * HOUR + 5 * MIN, runs[7]!.id],
    ]);
    expect(result.alerts[1]?.reason).toBe(`run ${runs[3]!.id} failed (3 runs in a row)`);
    expect(result.openAtStart).toEqual([]);
    expect(result.pipelines).toBe(1);
  });

  it('a schedule: late at due + grace, missed at the next due time, recovered by the run that comes', () => {
    const file = config(`pipelines:
  - { pipeline: people, club: rondo, schedule: "0 3 * * *", timezone: UTC, grace: 15m }
${HOOK}  rules:
    - { channels: [hook], on: [late, missed, recovered] }
`);
    // Runs at 03:01 on days 0..2, nothing on day 3, then one at 10:00 on day 4.
    const runs = [0, 1, 2].map((day) => run(T0 + day * DAY + 3 * HOUR + MIN, 10, 'success'));
    runs.push(run(T0 + 4 * DAY + 10 * HOUR, 10, 'success'));
    const result = replay(file, [history('people', runs)], T0 - DAY, T0 + 5 * DAY);
    expect(brief(result)).toEqual([
      '10-04T03:15 late people',
      '10-05T03:00 missed people',
      '10-05T10:10 recovered people',
    ]);
    expect(result.alerts[0]?.reason).toBe(
      'due at 2026-10-04 03:00 UTC (grace 15 min); no run started since 2026-10-03 03:01',
    );
    expect(result.alerts[2]?.reason).toMatch(/^was missed; run \d+ succeeded$/);
  });

  it('a pipeline only the config names, with no run at all, is late and then missed from the window on', () => {
    const file = config(`pipelines:
  - { pipeline: backup, club: rondo, schedule: "0 3 * * *", timezone: UTC, grace: 15m }
${HOOK}  rules:
    - { channels: [hook], on: [late, missed] }
`);
    const result = replay(file, [], T0, T0 + 3 * DAY);
    expect(brief(result)).toEqual(['10-01T03:15 late backup', '10-02T03:00 missed backup']);
  });

  it('a flapping pipeline sends its first changes, then one flapping summary an hour', () => {
    const file = config(`${HOOK}  rules:
    - { channels: [hook], on: [failed, recovered, flapping] }
`);
    const runs: HistoryRun[] = [];
    for (let i = 0; i < 24; i++) runs.push(run(T0 + i * 5 * MIN, 1, i % 2 === 0 ? 'failure' : 'success'));
    const result = replay(file, [history('teams', runs)], T0 - HOUR, T0 + 3 * HOUR);
    // The pipeline's first settled state is no change; the next five are announced; the sixth in an hour flaps.
    expect(result.alerts.map((a) => a.kind)).toEqual([
      'failed',
      'recovered',
      'failed',
      'recovered',
      'failed',
      'recovered',
      'flapping',
      'flapping',
    ]);
    const [first, second] = result.alerts.filter((a) => a.kind === 'flapping');
    expect(first?.reason).toBe('6 state changes in the last hour; now failing');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(HOUR);
  });

  it('an alert open when the window opens is not counted again; its recovery is', () => {
    const file = config(`${HOOK}  rules:
    - { channels: [hook], on: [failed, recovered] }
`);
    const runs = [run(T0, 5, 'success'), run(T0 + HOUR, 5, 'failure'), run(T0 + 3 * HOUR, 5, 'success')];
    const result = replay(file, [history('people', runs)], T0 + 2 * HOUR, T0 + DAY);
    expect(brief(result)).toEqual(['10-01T03:05 recovered people']);
    expect(result.openAtStart).toEqual([
      { club: 'rondo', pipeline: 'people', state: 'failing', reason: `run ${runs[1]!.id} failed` },
    ]);
  });

  it('stuck past maxDuration, at the threshold; overlap when the next run starts meanwhile', () => {
    const file = config(`pipelines:
  - { pipeline: people, club: rondo, maxDuration: 30m }
${HOOK}  rules:
    - { channels: [hook], on: [stuck, overlap, recovered] }
`);
    const runs = [run(T0, 5, 'success'), run(T0 + HOUR, 50, 'success'), run(T0 + 2 * HOUR, 5, 'success')];
    const result = replay(file, [history('people', runs)], T0 - HOUR, T0 + DAY);
    expect(result.alerts.map((a) => [a.kind, a.at])).toEqual([
      ['stuck', T0 + HOUR + 30 * MIN + 1],
      ['recovered', T0 + HOUR + 50 * MIN],
    ]);
    const overlapping = [run(T0, 5, 'success'), run(T0 + HOUR, 20, 'success'), run(T0 + HOUR + 10 * MIN, 5, 'success')];
    const overlap = replay(file, [history('people', overlapping)], T0 - HOUR, T0 + DAY);
    expect(overlap.alerts.map((a) => [a.kind, a.at])).toEqual([['overlap', T0 + HOUR + 10 * MIN]]);
  });

  it('new-error at the end of the first run with a fingerprint unseen for 30 days; remind: repeats open alerts', () => {
    const file = config(`${HOOK}  rules:
    - { channels: [hook], on: [new-error] }
    - { channels: [mail], on: [failed], remind: 1h }
`);
    const runs = [
      run(T0, 5, 'success', { errorCount: 1 }),
      run(T0 + 40 * DAY, 5, 'success', { errorCount: 1 }),
      run(T0 + 41 * DAY, 5, 'success', { errorCount: 1 }),
      run(T0 + 42 * DAY, 5, 'failure'),
    ];
    const errors = [
      { runId: runs[0]!.id, fingerprint: 'aaaa', time: T0 + MIN },
      { runId: runs[1]!.id, fingerprint: 'aaaa', time: T0 + 40 * DAY + MIN },
      { runId: runs[2]!.id, fingerprint: 'aaaa', time: T0 + 41 * DAY + MIN },
      { runId: runs[2]!.id, fingerprint: 'bbbb', time: T0 + 41 * DAY + 2 * MIN },
    ];
    const result = replay(file, [history('people', runs, { errors })], T0 + 39 * DAY, T0 + 42 * DAY + 3 * HOUR);
    expect(result.alerts.map((a) => [a.kind, a.reminder, a.at - T0])).toEqual([
      // aaaa was last seen 40 days before: new again; bbbb is new; aaaa the day after is not.
      ['new-error', false, 40 * DAY + 5 * MIN],
      ['new-error', false, 41 * DAY + 5 * MIN],
      ['failed', false, 42 * DAY + 5 * MIN],
      ['failed', true, 42 * DAY + 5 * MIN + HOUR],
      ['failed', true, 42 * DAY + 5 * MIN + 2 * HOUR],
    ]);
    expect(result.alerts[0]?.reason).toContain('"aaaa"');
    expect(result.alerts[1]?.reason).toContain('"bbbb"');
  });

  it('a schedule a run declared counts, as live; rules narrow by club and pipeline', () => {
    const file = config(`${HOOK}  rules:
    - { channels: [hook], on: [late], club: rondo }
`);
    const declared = { schedule: '0 * * * *', timezone: 'UTC' };
    const runs = [run(T0 + 5 * MIN, 1, 'success', { declared })];
    const other = { ...history('people', [run(T0 + 5 * MIN, 1, 'success', { declared })]), club: 'acme' };
    const result = replay(file, [history('people', runs), other], T0, T0 + 3 * HOUR);
    expect(brief(result)).toEqual(['10-01T01:05 late people']);
    expect(result.alerts[0]?.club).toBe('rondo');
  });
});
