import { describe, expect, it } from 'vitest';
import {
  evaluateHealth,
  HEALTH_STATES,
  healthUrgency,
  stuckLimit,
  type HealthInput,
  type HealthVerdict,
  type RunForHealth,
  type StoredHealth,
} from '../health/evaluate.js';
import { compileSchedule } from '../health/schedule.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (iso: string): number => Date.parse(iso);

type Policy = HealthInput['policy'];

function policy(
  expression: string | null,
  options: { timezone?: string; graceMs?: number; maxDurationMs?: number | null } = {},
): Policy {
  const timezone = options.timezone ?? 'UTC';
  let schedule: Policy['schedule'] = null;
  if (expression !== null) {
    const compiled = compileSchedule(expression, timezone);
    if (!compiled.ok) throw new Error(compiled.reason);
    schedule = { compiled: compiled.schedule, timezone };
  }
  return { schedule, graceMs: options.graceMs ?? 5 * MIN, maxDurationMs: options.maxDurationMs ?? null };
}

let nextId = 0;
function run(startedAt: number | string, fields: Partial<RunForHealth> = {}): RunForHealth {
  const start = typeof startedAt === 'string' ? at(startedAt) : startedAt;
  const status = fields.status ?? 'success';
  const durationMs = fields.durationMs !== undefined ? fields.durationMs : status === 'running' ? null : 10 * MIN;
  return {
    id: fields.id ?? `r${++nextId}`,
    status,
    startedAt: start,
    finishedAt: fields.finishedAt !== undefined ? fields.finishedAt : durationMs === null ? null : start + durationMs,
    durationMs,
    created: 2,
    updated: 40,
    failed: 0,
    errorCount: 0,
    ...fields,
  };
}

/** `count` successful daily runs before `firstStart`, newest first. */
function dailyHistory(firstStart: string, count: number, fields: Partial<RunForHealth> = {}): RunForHealth[] {
  return Array.from({ length: count }, (_, i) => run(at(firstStart) - (i + 1) * DAY, fields));
}

function judge(
  p: Policy,
  runs: RunForHealth[],
  now: number | string,
  previous: StoredHealth | null = null,
): HealthVerdict {
  return evaluateHealth({ policy: p, runs, previous, now: typeof now === 'string' ? at(now) : now });
}

describe('states without a schedule', () => {
  const none = policy(null);

  it('ok with nothing to say, and no due times', () => {
    const verdict = judge(none, [], '2026-05-01T12:00:00Z');
    expect(verdict).toMatchObject({ state: 'ok', reason: 'no run recorded yet', lastDueAt: null, nextDueAt: null });
    expect(verdict.since).toBe(at('2026-05-01T12:00:00Z'));
    const good = run('2026-05-01T03:00:00Z', { id: 'good' });
    expect(judge(none, [good], '2026-05-01T12:00:00Z')).toMatchObject({
      state: 'ok',
      reason: 'run good succeeded',
      since: good.finishedAt,
      recheckAt: null,
    });
  });

  it('failing: the last finished run failed or was abandoned', () => {
    const failed = run('2026-05-01T03:00:00Z', { id: 'f1', status: 'failure' });
    expect(judge(none, [failed], '2026-05-01T12:00:00Z')).toMatchObject({
      state: 'failing',
      reason: 'run f1 failed',
      since: failed.finishedAt,
    });
    const abandoned = run('2026-05-01T03:00:00Z', { id: 'a1', status: 'abandoned' });
    expect(judge(none, [abandoned], '2026-05-01T12:00:00Z').reason).toBe(
      'run a1 was abandoned (its process ended without run.end)',
    );
  });

  it('unstable: success with failed records or errors', () => {
    const verdict = judge(
      none,
      [run('2026-05-01T03:00:00Z', { id: 'u1', failed: 3, errorCount: 1 })],
      '2026-05-01T12:00:00Z',
    );
    expect(verdict).toMatchObject({ state: 'unstable', reason: 'run u1 succeeded with 3 failed records and 1 error' });
  });

  it('too-short: under a tenth of the median of the runs before it, once there are 5', () => {
    const quick = run('2026-05-10T03:00:00Z', { id: 'quick', durationMs: 50_000 });
    const verdict = judge(none, [quick, ...dailyHistory('2026-05-10T03:00:00Z', 5)], '2026-05-10T12:00:00Z');
    expect(verdict).toMatchObject({
      state: 'too-short',
      reason: 'run quick took 50 s, under a tenth of the median 10 min of the 5 successful runs before it',
    });
    expect(judge(none, [quick, ...dailyHistory('2026-05-10T03:00:00Z', 4)], '2026-05-10T12:00:00Z').state).toBe('ok');
    const justEnough = run('2026-05-10T03:00:00Z', { durationMs: 60_000 });
    expect(judge(none, [justEnough, ...dailyHistory('2026-05-10T03:00:00Z', 5)], '2026-05-10T12:00:00Z').state).toBe(
      'ok',
    );
  });

  it('too-short: created+updated fell to zero where the last 10 successful runs all had some', () => {
    const idle = run('2026-05-20T03:00:00Z', { id: 'idle', created: 0, updated: 0 });
    const ten = dailyHistory('2026-05-20T03:00:00Z', 10);
    expect(judge(none, [idle, ...ten], '2026-05-20T12:00:00Z')).toMatchObject({
      state: 'too-short',
      reason: 'run idle created and updated nothing; each of the 10 successful runs before it did',
    });
    expect(judge(none, [idle, ...ten.slice(0, 9)], '2026-05-20T12:00:00Z').state).toBe('ok');
    const oneQuietDay = ten.map((r, i) => (i === 4 ? { ...r, created: 0, updated: 0 } : r));
    expect(judge(none, [idle, ...oneQuietDay], '2026-05-20T12:00:00Z').state).toBe('ok');
    // Failures in between don't count as "successful runs before it".
    const withFailure = [idle, run(at('2026-05-20T03:00:00Z') - HOUR, { status: 'failure', created: 0 }), ...ten];
    expect(judge(none, withFailure, '2026-05-20T12:00:00Z').state).toBe('too-short');
  });

  it('running, then stuck past maxDuration', () => {
    const p = policy(null, { maxDurationMs: 2 * HOUR });
    const busy = run('2026-05-01T03:00:00Z', { id: 'busy', status: 'running' });
    const early = judge(p, [busy], '2026-05-01T04:00:00Z');
    expect(early).toMatchObject({ state: 'running', reason: 'run busy is running', since: busy.startedAt });
    expect(early.recheckAt).toBe(at('2026-05-01T05:00:00Z') + 1);
    expect(judge(p, [busy], '2026-05-01T05:00:01Z')).toMatchObject({
      state: 'stuck',
      since: at('2026-05-01T05:00:00Z'),
      reason: 'run busy has been running longer than 2 h (maxDuration)',
    });
  });

  it('stuck: learned from history only once there are 5 successful runs', () => {
    const busy = run('2026-05-10T03:00:00Z', { id: 'busy', status: 'running' });
    const four = dailyHistory('2026-05-10T03:00:00Z', 4);
    expect(judge(policy(null), [busy, ...four], '2026-05-11T03:00:00Z').state).toBe('running');
    const five = dailyHistory('2026-05-10T03:00:00Z', 5);
    // median 10 min, p95 10 min: the limit is 3 × 10 min.
    expect(judge(policy(null), [busy, ...five], '2026-05-10T03:30:00Z').state).toBe('running');
    expect(judge(policy(null), [busy, ...five], '2026-05-10T03:30:00.001Z')).toMatchObject({
      state: 'stuck',
      reason: 'run busy has been running longer than 30 min (3 × the median 10 min of the last 5 successful runs)',
    });
  });

  it('stuck limit: max(3 × median, 2 × p95) of the newest 20 successful runs', () => {
    const durations = (list: number[]): RunForHealth[] => list.map((ms, i) => run(i * DAY, { durationMs: ms }));
    expect(stuckLimit(null, durations([10, 10, 10, 10, 10].map((m) => m * MIN)))?.ms).toBe(30 * MIN);
    // A long tail: median 10 min, p95 40 min → 2 × 40 min beats 3 × 10 min.
    const tail = [...Array<number>(18).fill(10 * MIN), 40 * MIN, 40 * MIN];
    expect(stuckLimit(null, durations(tail))).toMatchObject({ ms: 80 * MIN, basis: 'p95' });
    // Only the newest 20 count: an ancient slow run falls out.
    expect(stuckLimit(null, durations([...Array<number>(20).fill(10 * MIN), 500 * MIN]))?.ms).toBe(30 * MIN);
    expect(stuckLimit(5 * MIN, [])).toMatchObject({ ms: 5 * MIN, basis: 'maxDuration' });
    expect(stuckLimit(null, durations([1, 2, 3, 4]))).toBeNull();
  });

  it('stuck limit: failed and abandoned runs teach it nothing', () => {
    // Five fast failures (a refused login) and four normal successes: no limit yet, so the next normal run is running.
    const failures = [1, 2, 3, 4, 5].map((day) =>
      run(`2026-05-0${day}T03:00:00Z`, { status: day === 5 ? 'abandoned' : 'failure', durationMs: 2_000 }),
    );
    const successes = [6, 7, 8, 9].map((day) => run(`2026-05-0${day}T03:00:00Z`, { durationMs: 10 * MIN }));
    const newestFirst = [...failures, ...successes].reverse();
    expect(stuckLimit(null, newestFirst)).toBeNull();
    const busy = run('2026-05-10T03:00:00Z', { id: 'busy', status: 'running' });
    // Learned from all nine runs, the limit would be 2 × the p95 (20 min): stuck at 03:25.
    expect(judge(policy(null), [busy, ...newestFirst], '2026-05-10T03:25:00Z').state).toBe('running');
    // A fifth success: the limit is learned from the successes alone (3 × 10 min), not pulled down by the failures.
    const fifth = run('2026-05-09T15:00:00Z', { durationMs: 10 * MIN });
    expect(stuckLimit(null, [fifth, ...newestFirst])).toMatchObject({ ms: 30 * MIN, count: 5 });
  });

  it('overlap: a run started while the previous one was still running', () => {
    const first = run('2026-05-01T03:00:00Z', { id: 'first', status: 'running' });
    const second = run('2026-05-01T03:05:00Z', { id: 'second', status: 'running' });
    const verdict = judge(policy(null), [second, first], '2026-05-01T03:06:00Z');
    expect(verdict).toMatchObject({
      state: 'overlap',
      reason: 'run second started while run first was still running',
      since: second.startedAt,
      conditions: ['overlap', 'running'],
    });
    // It stays visible after both finish, until a run starts cleanly.
    const firstDone = { ...first, status: 'success' as const, finishedAt: at('2026-05-01T03:20:00Z') };
    const secondDone = { ...second, status: 'success' as const, finishedAt: at('2026-05-01T03:15:00Z') };
    expect(judge(policy(null), [secondDone, firstDone], '2026-05-01T04:00:00Z').state).toBe('overlap');
    const clean = run('2026-05-02T03:00:00Z');
    expect(judge(policy(null), [clean, secondDone, firstDone], '2026-05-02T04:00:00Z').state).toBe('ok');
  });
});

describe('late and missed', () => {
  const daily = policy('0 3 * * *', { timezone: 'Europe/Amsterdam', graceMs: 15 * MIN });
  const yesterday = run('2026-06-09T01:00:05Z', { id: 'yesterday' }); // 03:00:05 CEST

  it('late once due + grace passes with no run started since the due time', () => {
    const before = judge(daily, [yesterday], '2026-06-10T01:14:59Z');
    expect(before).toMatchObject({ state: 'ok', lastDueAt: at('2026-06-10T01:00:00Z') });
    expect(before.nextDueAt).toBe(at('2026-06-11T01:00:00Z'));
    expect(before.recheckAt).toBe(at('2026-06-10T01:15:00Z'));
    expect(judge(daily, [yesterday], '2026-06-10T01:15:00Z')).toMatchObject({
      state: 'late',
      since: at('2026-06-10T01:15:00Z'),
      reason: 'due at 2026-06-10 03:00 Europe/Amsterdam (grace 15 min); no run started since 2026-06-09 03:00',
      conditions: ['late'],
    });
  });

  it('a run that starts clears late; one that started a moment before due counts (clock skew)', () => {
    const starting = run('2026-06-10T01:20:00Z', { id: 'today', status: 'running' });
    expect(judge(daily, [starting, yesterday], '2026-06-10T01:20:01Z').state).toBe('running');
    const early = run(at('2026-06-10T01:00:00Z') - 800, { id: 'early' });
    expect(judge(daily, [early, yesterday], '2026-06-10T01:30:00Z').state).toBe('ok');
    const tooEarly = run(at('2026-06-10T01:00:00Z') - 5_000, { id: 'too-early', durationMs: 1000 });
    expect(judge(daily, [tooEarly, yesterday], '2026-06-10T01:30:00Z').state).toBe('late');
  });

  it('missed once the next occurrence is due too, since that due time', () => {
    const verdict = judge(daily, [yesterday], '2026-06-11T01:00:00Z');
    expect(verdict).toMatchObject({
      state: 'missed',
      since: at('2026-06-11T01:00:00Z'),
      reason:
        'no run for the one due at 2026-06-10 03:00 Europe/Amsterdam, and the next was due at 2026-06-11 03:00; ' +
        'no run started since 2026-06-09 03:00',
      conditions: ['missed', 'late'],
    });
    // Days later the reason is the same (it names the first missed occurrence), so nothing is re-published.
    const later = judge(daily, [yesterday], '2026-06-14T12:00:00Z', verdict);
    expect(later).toMatchObject({ state: 'missed', since: verdict.since, reason: verdict.reason, change: 'none' });
    expect(later.conditions).toEqual(['missed', 'late']);
  });

  it('works when grace is longer than the interval: late counts from the first due time without a run', () => {
    const hourly = policy('0 * * * *', { graceMs: 2 * HOUR });
    const tenOClock = run('2026-06-10T10:00:01Z', { durationMs: MIN });
    const waiting = judge(hourly, [tenOClock], '2026-06-10T12:59:59Z');
    expect(waiting).toMatchObject({ state: 'ok', recheckAt: at('2026-06-10T13:00:00Z') });
    expect(judge(hourly, [tenOClock], '2026-06-10T13:00:00Z')).toMatchObject({
      state: 'missed',
      since: at('2026-06-10T13:00:00Z'),
      conditions: ['missed', 'late'],
      reason:
        'no run for the one due at 2026-06-10 11:00 UTC, and the next was due at 2026-06-10 12:00; ' +
        'no run started since 2026-06-10 10:00',
    });
  });

  it('late and missed outrank a failure, which stays listed', () => {
    const failed = { ...yesterday, status: 'failure' as const };
    expect(judge(daily, [failed], '2026-06-10T02:00:00Z').conditions).toEqual(['late', 'failing']);
  });

  it('says a run from before is still running', () => {
    const long = run('2026-06-09T01:00:00Z', { id: 'long', status: 'running' });
    expect(judge(daily, [long], '2026-06-10T01:20:00Z').reason).toBe(
      'due at 2026-06-10 03:00 Europe/Amsterdam (grace 15 min); no run started since 2026-06-09 03:00; ' +
        'run long (started 2026-06-09 03:00) is still running',
    );
  });

  it('a pipeline with no run yet is judged from when watching began, not before', () => {
    const first = judge(daily, [], '2026-06-10T12:00:00Z');
    expect(first).toMatchObject({ state: 'ok', watchingSince: at('2026-06-10T12:00:00Z') });
    expect(judge(daily, [], '2026-06-11T01:14:00Z', first).state).toBe('ok');
    const late = judge(daily, [], '2026-06-11T01:15:00Z', first);
    expect(late).toMatchObject({
      state: 'late',
      watchingSince: first.watchingSince,
      reason: 'due at 2026-06-11 03:00 Europe/Amsterdam (grace 15 min); no run recorded yet',
    });
    expect(judge(daily, [], '2026-06-12T01:00:00Z', late).state).toBe('missed');
  });
});

describe('DST, month ends, shortcuts, seconds', () => {
  it('Europe/Amsterdam spring forward: a 02:30 job is due at 03:00', () => {
    const p = policy('30 2 * * *', { timezone: 'Europe/Amsterdam' });
    const saturday = run('2026-03-28T01:30:00Z');
    expect(judge(p, [saturday], '2026-03-29T01:04:59Z')).toMatchObject({
      state: 'ok',
      lastDueAt: at('2026-03-29T01:00:00Z'),
    });
    expect(judge(p, [saturday], '2026-03-29T01:05:00Z')).toMatchObject({
      state: 'late',
      reason: 'due at 2026-03-29 03:00 Europe/Amsterdam (grace 5 min); no run started since 2026-03-28 02:30',
    });
    const sunday = run('2026-03-29T01:00:02Z');
    expect(judge(p, [sunday, saturday], '2026-03-29T02:00:00Z').state).toBe('ok');
  });

  it('Europe/Amsterdam fall back: a 02:30 job is due once, so the repeated 02:30 is not late', () => {
    const p = policy('30 2 * * *', { timezone: 'Europe/Amsterdam' });
    const sunday = run('2026-10-25T00:30:01Z', { durationMs: 5 * MIN });
    const verdict = judge(p, [sunday], '2026-10-25T01:40:00Z'); // 02:40 CET, after the second 02:30 + grace
    expect(verdict).toMatchObject({ state: 'ok', lastDueAt: at('2026-10-25T00:30:00Z') });
    expect(verdict.nextDueAt).toBe(at('2026-10-26T01:30:00Z'));
  });

  it('America/New_York: spring forward and fall back', () => {
    const spring = policy('30 2 * * *', { timezone: 'America/New_York' });
    const before = run('2026-03-07T07:30:00Z');
    expect(judge(spring, [before], '2026-03-08T07:05:00Z')).toMatchObject({
      state: 'late',
      lastDueAt: at('2026-03-08T07:00:00Z'),
    });
    const fall = policy('30 1 * * *', { timezone: 'America/New_York' });
    const firstOneThirty = run('2026-11-01T05:30:00Z');
    expect(judge(fall, [firstOneThirty], '2026-11-01T06:40:00Z')).toMatchObject({
      state: 'ok',
      lastDueAt: at('2026-11-01T05:30:00Z'),
      nextDueAt: at('2026-11-02T06:30:00Z'),
    });
  });

  it('31st-of-month: short months are not due, so nothing is missed in them', () => {
    const p = policy('0 3 31 * *');
    const march = run('2026-03-31T03:00:00Z');
    expect(judge(p, [march], '2026-04-30T12:00:00Z')).toMatchObject({
      state: 'ok',
      lastDueAt: at('2026-03-31T03:00:00Z'),
      nextDueAt: at('2026-05-31T03:00:00Z'),
    });
    expect(judge(p, [march], '2026-05-31T03:05:00Z').state).toBe('late');
    expect(judge(p, [march], '2026-06-30T12:00:00Z').state).toBe('late');
    expect(judge(p, [march], '2026-07-31T03:00:00Z')).toMatchObject({
      state: 'missed',
      reason:
        'no run for the one due at 2026-05-31 03:00 UTC, and the next was due at 2026-07-31 03:00; ' +
        'no run started since 2026-03-31 03:00',
    });
  });

  it('@daily is midnight in its zone', () => {
    const p = policy('@daily', { timezone: 'America/New_York' });
    const last = run('2026-01-10T05:00:01Z');
    expect(judge(p, [last], '2026-01-11T05:04:00Z').state).toBe('ok');
    expect(judge(p, [last], '2026-01-11T05:05:00Z')).toMatchObject({
      state: 'late',
      reason: 'due at 2026-01-11 00:00 America/New_York (grace 5 min); no run started since 2026-01-10 00:00',
    });
  });

  it('second resolution: */5 * * * * * with grace 2s', () => {
    const p = policy('*/5 * * * * *', { graceMs: 2000 });
    const last = run('2026-01-01T12:00:00.300Z', { durationMs: 1000 });
    const waiting = judge(p, [last], '2026-01-01T12:00:06.999Z');
    expect(waiting).toMatchObject({ state: 'ok', lastDueAt: at('2026-01-01T12:00:05Z') });
    expect(waiting.recheckAt).toBe(at('2026-01-01T12:00:07Z'));
    const late = judge(p, [last], '2026-01-01T12:00:07Z', waiting);
    expect(late).toMatchObject({
      state: 'late',
      since: at('2026-01-01T12:00:07Z'),
      reason: 'due at 2026-01-01 12:00:05 UTC (grace 2 s); no run started since 2026-01-01 12:00:00',
      change: 'state',
    });
    const missed = judge(p, [last], '2026-01-01T12:00:10Z', late);
    expect(missed).toMatchObject({ state: 'missed', since: at('2026-01-01T12:00:10Z') });
    const next = run('2026-01-01T12:00:10.200Z', { durationMs: 500 });
    expect(judge(p, [next, last], '2026-01-01T12:00:11Z', missed)).toMatchObject({ state: 'ok', change: 'state' });
  });
});

describe('restarts and since', () => {
  const daily = policy('0 3 * * *', { graceMs: 15 * MIN });
  const last = run('2026-06-09T03:00:00Z', { id: 'last' });

  it('a restart with the same state keeps since and announces nothing', () => {
    const before = judge(daily, [last], '2026-06-10T03:20:00Z');
    expect(before.change).toBe('state');
    const stored: StoredHealth = { state: before.state, since: before.since, reason: before.reason };
    const after = judge(daily, [last], '2026-06-10T05:00:00Z', stored);
    expect(after).toMatchObject({ state: 'late', since: before.since, change: 'none' });
  });

  it('a new state begins at its onset, not at evaluation time, but never before the previous state began', () => {
    const firstLook = judge(daily, [last], '2026-06-10T09:00:00Z', {
      state: 'ok',
      since: at('2026-06-09T03:10:00Z'),
      reason: 'run last succeeded',
    });
    expect(firstLook).toMatchObject({ state: 'late', since: at('2026-06-10T03:15:00Z'), change: 'state' });
    const clamped = judge(daily, [last], '2026-06-10T09:00:00Z', {
      state: 'ok',
      since: at('2026-06-10T08:00:00Z'),
      reason: 'restarted',
    });
    expect(clamped.since).toBe(at('2026-06-10T08:00:00Z'));
  });

  it('since is never in the future, even when a writer clock runs ahead', () => {
    const ahead = run('2026-06-10T12:05:00Z', { status: 'failure', durationMs: 1000 });
    expect(judge(policy(null), [ahead], '2026-06-10T12:00:00Z').since).toBe(at('2026-06-10T12:00:00Z'));
  });

  it('the same state with a different reason is a reason change', () => {
    const failed = run('2026-06-10T03:00:00Z', { id: 'f2', status: 'failure' });
    const verdict = judge(policy(null), [failed], '2026-06-10T04:00:00Z', {
      state: 'failing',
      since: at('2026-06-09T03:10:00Z'),
      reason: 'run f1 failed',
    });
    expect(verdict).toMatchObject({ state: 'failing', since: at('2026-06-09T03:10:00Z'), change: 'reason' });
  });
});

describe('precedence', () => {
  it('is the documented order, and urgency follows it', () => {
    expect(HEALTH_STATES).toEqual([
      'missed',
      'late',
      'stuck',
      'failing',
      'overlap',
      'too-short',
      'unstable',
      'running',
      'ok',
    ]);
    expect(healthUrgency('missed')).toBeLessThan(healthUrgency('stuck'));
    expect(healthUrgency('running')).toBeLessThan(healthUrgency('ok'));
  });

  it('a stuck retry after a failure is stuck; a running retry after a failure is still failing', () => {
    const failed = run('2026-05-01T03:00:00Z', { status: 'failure' });
    const retry = run('2026-05-01T03:30:00Z', { status: 'running' });
    const p = policy(null, { maxDurationMs: HOUR });
    expect(judge(p, [retry, failed], '2026-05-01T04:00:00Z').conditions).toEqual(['failing', 'running']);
    expect(judge(p, [retry, failed], '2026-05-01T05:00:00Z').conditions).toEqual(['stuck', 'failing', 'running']);
  });

  it('too-short outranks unstable', () => {
    const idle = run('2026-05-20T03:00:00Z', { created: 0, updated: 0, failed: 1 });
    expect(
      judge(policy(null), [idle, ...dailyHistory('2026-05-20T03:00:00Z', 10)], '2026-05-20T12:00:00Z').conditions,
    ).toEqual(['too-short', 'unstable']);
  });
});
