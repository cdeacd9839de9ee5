// The alert rules, pure: transitions only, one `failed` and one `recovered` for a long outage, `after: N`, one
// `flapping` summary per hour, reminders, and the config section's problems (one line each, with their place).
import { describe, expect, it } from 'vitest';
import type { AlertRule } from '../alerts/config.js';
import {
  decideAlerts,
  dueReminders,
  HOUR_MS,
  type DecidedAlert,
  type HealthObservation,
  type PipelineAlertMemory,
} from '../alerts/decide.js';
import { formatConfigProblem, parseConfigFile } from '../health/config-file.js';
import type { HealthState } from '../shared/health.js';
import { ALERT_KINDS, type AlertKind } from '../shared/alerts.js';

function rule(partial: Partial<AlertRule> = {}): AlertRule {
  const r: AlertRule = {
    channels: ['hook'],
    on: [...ALERT_KINDS],
    club: null,
    pipeline: null,
    after: 1,
    remindMs: null,
    key: '',
    ...partial,
  };
  r.key = partial.key ?? JSON.stringify([r.channels, r.on, r.club, r.pipeline, r.after]);
  return r;
}

/** Feeds a sequence of observations through the decision, carrying memory like the store does. */
class Simulator {
  memory: PipelineAlertMemory | null = null;
  state: HealthState | null = null;
  sent: DecidedAlert[] = [];
  bad = 0;
  constructor(readonly rules: AlertRule[]) {}
  observe(to: HealthState, at: number, extra: Partial<HealthObservation> = {}): DecidedAlert[] {
    const observation: HealthObservation = {
      club: 'rondo',
      pipeline: 'people',
      from: this.state,
      to,
      reason: `now ${to}`,
      at,
      runId: '7',
      consecutiveBadRuns: this.bad,
      errorsRunId: null,
      newErrors: [],
      ...extra,
    };
    const decision = decideAlerts(observation, this.rules, this.memory);
    this.memory = decision.memory;
    this.state = to;
    this.sent.push(...decision.alerts);
    return decision.alerts;
  }
  /** One run that fails: running, then failing (or ok). */
  run(outcome: 'failing' | 'ok', at: number): void {
    this.observe('running', at);
    this.bad = outcome === 'failing' ? this.bad + 1 : 0;
    this.observe(outcome, at + 60_000);
  }
  kinds(): AlertKind[] {
    return this.sent.map((a) => a.kind);
  }
}

const T0 = Date.UTC(2026, 10, 1, 3, 0, 0);

describe('decideAlerts: noise', () => {
  it('50 failing runs in a row send one failed, and the first good run one recovered', () => {
    const sim = new Simulator([rule()]);
    sim.run('ok', T0);
    for (let i = 1; i <= 50; i++) sim.run('failing', T0 + i * HOUR_MS);
    expect(sim.kinds()).toEqual(['failed']);
    sim.run('ok', T0 + 51 * HOUR_MS);
    expect(sim.kinds()).toEqual(['failed', 'recovered']);
    expect(sim.sent[0]).toMatchObject({ club: 'rondo', pipeline: 'people', state: 'failing', channels: ['hook'] });
    expect(sim.sent[1]?.summary).toMatch(/^rondo\/people recovered: was failed/);
  });

  it('50 failing runs with no running verdict between them (short runs) still send one failed', () => {
    const sim = new Simulator([rule()]);
    sim.observe('ok', T0);
    for (let i = 1; i <= 50; i++) {
      sim.bad = i;
      sim.observe('failing', T0 + i * HOUR_MS);
    }
    sim.bad = 0;
    sim.observe('ok', T0 + 51 * HOUR_MS);
    expect(sim.kinds()).toEqual(['failed', 'recovered']);
  });

  it('after: 3 sends failed at the third consecutive failing run, once, and recovered once', () => {
    const sim = new Simulator([rule({ after: 3 })]);
    sim.run('ok', T0);
    sim.run('failing', T0 + HOUR_MS);
    sim.run('failing', T0 + 2 * HOUR_MS);
    expect(sim.kinds()).toEqual([]);
    sim.run('failing', T0 + 3 * HOUR_MS);
    expect(sim.kinds()).toEqual(['failed']);
    expect(sim.sent[0]?.reason).toContain('3 runs in a row');
    for (let i = 4; i <= 50; i++) sim.run('failing', T0 + i * HOUR_MS);
    sim.run('ok', T0 + 51 * HOUR_MS);
    expect(sim.kinds()).toEqual(['failed', 'recovered']);
  });

  it('after: 3 with only two failures then a success sends nothing at all (no recovered for an unsent alert)', () => {
    const sim = new Simulator([rule({ after: 3 })]);
    sim.run('failing', T0);
    sim.run('failing', T0 + HOUR_MS);
    sim.run('ok', T0 + 2 * HOUR_MS);
    expect(sim.kinds()).toEqual([]);
  });

  it('a pipeline flapping every 5 minutes sends one flapping summary per hour, not one message per change', () => {
    const sim = new Simulator([rule()]);
    sim.observe('ok', T0);
    let at = T0;
    for (let i = 0; i < 36; i++) {
      // 3 hours of ok/failing alternation every 5 minutes: 36 changes.
      at += 5 * 60_000;
      sim.bad = i % 2 === 0 ? 1 : 0;
      sim.observe(i % 2 === 0 ? 'failing' : 'ok', at);
    }
    const flapping = sim.sent.filter((a) => a.kind === 'flapping');
    // The first changes are ordinary alerts until the 6th change in an hour; then one summary per hour.
    expect(sim.kinds().slice(0, 5)).toEqual(['failed', 'recovered', 'failed', 'recovered', 'failed']);
    expect(flapping).toHaveLength(3);
    expect(flapping[1]!.at - flapping[0]!.at).toBeGreaterThanOrEqual(HOUR_MS);
    expect(flapping[0]?.reason).toMatch(/^6 state changes in the last hour; now ok$/);
    expect(sim.sent).toHaveLength(5 + 3);
  });

  it('when flapping stops, the next change is announced normally again', () => {
    const sim = new Simulator([rule()]);
    sim.observe('ok', T0);
    let at = T0;
    for (let i = 0; i < 8; i++) {
      at += 60_000;
      sim.observe(i % 2 === 0 ? 'failing' : 'ok', at);
    }
    sim.sent = [];
    sim.observe('failing', at + 2 * HOUR_MS);
    expect(sim.kinds()).toEqual(['failed']);
  });

  it('running between runs is not a change: a long failing streak never counts as flapping', () => {
    const sim = new Simulator([rule()]);
    for (let i = 0; i < 30; i++) sim.run('failing', T0 + i * 2 * 60_000);
    expect(sim.kinds()).toEqual(['failed']);
  });
});

describe('decideAlerts: kinds and rules', () => {
  it('each state announces its kind; a change between alerting states is a new alert', () => {
    const sim = new Simulator([rule()]);
    sim.observe('ok', T0);
    sim.observe('late', T0 + 1);
    sim.observe('missed', T0 + 2);
    sim.observe('running', T0 + 3);
    sim.observe('stuck', T0 + HOUR_MS);
    expect(sim.kinds()).toEqual(['late', 'missed', 'stuck']);
    for (const [state, kind] of [
      ['too-short', 'too-short'],
      ['unstable', 'unstable'],
      ['overlap', 'overlap'],
    ] as const) {
      const one = new Simulator([rule()]);
      one.observe('ok', T0);
      expect(one.observe(state, T0 + 1).map((a) => a.kind)).toEqual([kind]);
    }
  });

  it('only the kinds in on: are sent; recovered only when listed', () => {
    const sim = new Simulator([rule({ on: ['missed'] })]);
    sim.observe('ok', T0);
    sim.observe('late', T0 + 1);
    sim.observe('missed', T0 + 2);
    sim.observe('ok', T0 + 3);
    expect(sim.kinds()).toEqual(['missed']);
  });

  it('club and pipeline narrow a rule; each matching rule sends to its own channels', () => {
    const sim = new Simulator([
      rule({ channels: ['a'], club: 'rondo', pipeline: 'people' }),
      rule({ channels: ['b'], club: 'other' }),
      rule({ channels: ['c'], pipeline: 'people', on: ['failed'] }),
    ]);
    sim.observe('ok', T0);
    sim.observe('failing', T0 + 1);
    expect(sim.sent.map((a) => a.channels)).toEqual([['a'], ['c']]);
  });

  it('new-error is sent for fingerprints the pipeline has not had, on the rules that list it', () => {
    const sim = new Simulator([rule({ on: ['new-error'] }), rule({ channels: ['x'], on: ['failed'] })]);
    sim.observe('ok', T0);
    const alerts = sim.observe('ok', T0 + 1, { errorsRunId: '7', newErrors: ['boom'] });
    expect(alerts.map((a) => [a.kind, a.channels, a.runId])).toEqual([['new-error', ['hook'], '7']]);
  });

  it('new-error: one message per run listing every new title, however often that run is judged', () => {
    const sim = new Simulator([rule({ on: ['new-error', 'failed', 'late'] })]);
    sim.observe('ok', T0);
    const titles = ['Timeout talking to "crm"', 'duplicate key\nsecond line', 'x'.repeat(300), 'd', 'e', 'f', 'g'];
    const first = sim.observe('failing', T0 + 1, { runId: '8', errorsRunId: '8', newErrors: titles });
    expect(first.map((a) => a.kind)).toEqual(['failed', 'new-error']);
    const reason = first[1]?.reason ?? '';
    expect(reason).toMatch(/^7 errors not seen in 30 days: "Timeout talking to "crm"", "duplicate key", "x{119}…"/);
    expect(reason).toMatch(/; and 2 more$/);
    // The same run judged again (a later state change, a restart's first judgement): no second message.
    expect(sim.observe('late', T0 + 2, { runId: '8', errorsRunId: '8', newErrors: titles })).toEqual([
      expect.objectContaining({ kind: 'late' }),
    ]);
    // The next run with a new error is news again; a run without errors checked in between changes nothing.
    sim.observe('failing', T0 + 3, { runId: '9', errorsRunId: '9', newErrors: [] });
    expect(sim.observe('failing', T0 + 4, { runId: '10', errorsRunId: '10', newErrors: ['h'] })).toMatchObject([
      { kind: 'new-error', runId: '10', reason: '1 error not seen in 30 days: "h"' },
    ]);
  });

  it('new-error is still sent while the pipeline is flapping', () => {
    const sim = new Simulator([rule()]);
    sim.observe('ok', T0);
    for (let i = 1; i <= 6; i++) sim.observe(i % 2 === 1 ? 'failing' : 'ok', T0 + i * 60_000);
    expect(sim.kinds().at(-1)).toBe('flapping');
    const alerts = sim.observe('failing', T0 + 7 * 60_000, { errorsRunId: '11', newErrors: ['boom'] });
    expect(alerts.map((a) => a.kind)).toEqual(['new-error']);
  });

  it('remind: repeats the open alert at its interval, flagged as a reminder, and stops once recovered', () => {
    const sim = new Simulator([rule({ remindMs: 24 * HOUR_MS })]);
    sim.observe('ok', T0);
    sim.observe('failing', T0 + 1);
    const input = { club: 'rondo', pipeline: 'people', state: 'failing' as const, reason: 'exit 1', runId: '7' };
    const early = dueReminders(input, sim.rules, sim.memory!, T0 + 23 * HOUR_MS);
    expect(early.alerts).toEqual([]);
    expect(early.nextAt).toBe(T0 + 1 + 24 * HOUR_MS);
    const due = dueReminders(input, sim.rules, sim.memory!, T0 + 25 * HOUR_MS);
    expect(due.alerts).toMatchObject([
      { kind: 'failed', reminder: true, summary: 'still: rondo/people failed: exit 1' },
    ]);
    expect(dueReminders(input, sim.rules, due.memory, T0 + 26 * HOUR_MS).alerts).toEqual([]);
    sim.memory = due.memory;
    sim.observe('ok', T0 + 30 * HOUR_MS);
    expect(dueReminders(input, sim.rules, sim.memory, T0 + 90 * HOUR_MS).alerts).toEqual([]);
  });
});

describe('alerts: config section', () => {
  const good = `
publicUrl: https://runboard.example.org
alerts:
  channels:
    - { name: ops-hook, type: webhook, url: "http://127.0.0.1:9000/hook", secret: "\${HOOK_SECRET}", headers: { X-Team: ops } }
    - { name: ops-slack, type: slack, url: "https://hooks.slack.example/T/B/x" }
    - { name: ops-ntfy, type: ntfy, url: "http://127.0.0.1:8080/runboard" }
    - { name: ops-mail, type: email, smtp: "smtp://user:\${SMTP_PASSWORD}@127.0.0.1:2525", from: "runboard@example.org", to: ["ops@example.org"] }
  rules:
    - { channels: [ops-hook], on: [failed, missed, late, stuck, too-short, recovered, new-error, unstable], club: rondo, pipeline: people, after: 1, remind: 24h }
    - { channels: [ops-slack, ops-mail] }
`;
  it('reads the issue example into typed channels and rules, secrets from the environment', () => {
    const result = parseConfigFile(good, { file: 'rb.yaml', env: { HOOK_SECRET: 'k3y', SMTP_PASSWORD: 'pw' } });
    if (!result.ok) throw new Error(result.problems.map(formatConfigProblem).join('\n'));
    const { channels, rules } = result.config.alertsConfig;
    expect(channels).toEqual([
      {
        name: 'ops-hook',
        type: 'webhook',
        url: 'http://127.0.0.1:9000/hook',
        secret: 'k3y',
        headers: { 'X-Team': 'ops' },
      },
      { name: 'ops-slack', type: 'slack', url: 'https://hooks.slack.example/T/B/x' },
      { name: 'ops-ntfy', type: 'ntfy', url: 'http://127.0.0.1:8080/runboard', token: null },
      {
        name: 'ops-mail',
        type: 'email',
        smtp: 'smtp://user:pw@127.0.0.1:2525',
        from: 'runboard@example.org',
        to: ['ops@example.org'],
      },
    ]);
    expect(rules[0]).toMatchObject({
      channels: ['ops-hook'],
      club: 'rondo',
      pipeline: 'people',
      after: 1,
      remindMs: 86_400_000,
    });
    expect(rules[1]).toMatchObject({
      channels: ['ops-slack', 'ops-mail'],
      on: [...ALERT_KINDS],
      club: null,
      after: 1,
      remindMs: null,
    });
  });

  it('reports every mistake on one line with its path, never echoing a secret', () => {
    const bad = `
alerts:
  channels:
    - { name: a, type: webhook, url: "ftp://x", secrt: 1 }
    - { name: a, type: slack, url: "https://h.example/x" }
    - { name: m, type: email, smtp: "http://user:\${PW}@h", from: x@y, to: [nobody] }
    - { name: q, type: pager }
  rules:
    - { channels: [nope], on: [failed, exploded], after: 0, remind: soon }
    - { on: [failed] }
`;
    const result = parseConfigFile(bad, { file: 'rb.yaml', env: { PW: 'hunter2' } });
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.problems.map(formatConfigProblem);
    expect(lines.every((line) => !line.includes('\n') && !line.includes('hunter2'))).toBe(true);
    const text = lines.join('\n');
    for (const expected of [
      'alerts.channels[0].url: is not an absolute http or https URL',
      'alerts.channels[0].secrt: unknown key',
      'alerts.channels[1].name: a channel named a is already defined',
      'alerts.channels[2].smtp: is not an absolute smtp or smtps URL',
      'alerts.channels[2].to[0]: "nobody" is not an address',
      'alerts.channels[3].type: "pager" is not a channel type',
      'alerts.rules[0].channels[0]: "nope" is not a channel defined under alerts.channels',
      'alerts.rules[0].on[1]: "exploded" is not an alert kind',
      'alerts.rules[0].after: 0 is not a whole number of runs',
      'alerts.rules[0].remind: "soon" is not a duration',
      'alerts.rules[1]: channels: must list one or more channel names',
    ]) {
      expect(text).toContain(expected);
    }
    expect(lines[0]).toMatch(/^rb\.yaml:\d+:\d+: alerts\./);
  });

  it('remind: takes a second or more (seconds to try a rule out), not less', () => {
    const file = (remind: string): string => `
alerts:
  channels: [{ name: h, type: webhook, url: "http://127.0.0.1:9/h" }]
  rules: [{ channels: [h], remind: ${remind} }]
`;
    const seconds = parseConfigFile(file('30s'), { file: 'rb.yaml', env: {} });
    expect(seconds.ok && seconds.config.alertsConfig.rules[0]?.remindMs).toBe(30_000);
    const tooShort = parseConfigFile(file('500ms'), { file: 'rb.yaml', env: {} });
    expect(tooShort.ok ? [] : tooShort.problems.map(formatConfigProblem)).toEqual([
      expect.stringContaining('alerts.rules[0].remind: "500ms" is not a duration of a second or more, e.g. 24h'),
    ]);
  });
});
