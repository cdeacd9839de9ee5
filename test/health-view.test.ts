import { describe, expect, it } from 'vitest';
import { evaluateHealth } from '../health/evaluate.js';
import { resolveHealthPolicy } from '../health/resolve-schedule.js';
import { HEALTH_STATES as FROM_STATES } from '../health/states.js';
import { HEALTH_STATES as FROM_EVALUATE } from '../health/evaluate.js';
import { toHealthView } from '../health/view.js';

describe('toHealthView', () => {
  it('is what GET /api/pipelines shows: verdict, schedule in words, its source and zone', () => {
    const policy = resolveHealthPolicy(
      { club: 'rondo', pipeline: 'people' },
      { config: [], crontab: [], defaultTimezone: 'Europe/Amsterdam' },
      { schedule: '0 3 * * *', timezone: null },
    );
    const now = Date.parse('2026-06-10T12:00:00Z');
    const verdict = evaluateHealth({ policy, runs: [], previous: null, now });
    expect(toHealthView(verdict, policy.schedule)).toEqual({
      state: 'ok',
      since: now,
      reason: 'no run recorded yet',
      schedule: '0 3 * * *',
      scheduleText: 'At 03:00',
      scheduleSource: 'run',
      timezone: 'Europe/Amsterdam',
      lastDueAt: Date.parse('2026-06-10T01:00:00Z'),
      nextDueAt: Date.parse('2026-06-11T01:00:00Z'),
    });
  });

  it('without a schedule the schedule fields are null', () => {
    const verdict = evaluateHealth({
      policy: { schedule: null, graceMs: 1, maxDurationMs: null },
      runs: [],
      previous: null,
      now: 0,
    });
    expect(toHealthView(verdict, null)).toMatchObject({
      schedule: null,
      scheduleText: null,
      scheduleSource: null,
      timezone: null,
      nextDueAt: null,
      lastDueAt: null,
    });
  });

  it('states are defined once', () => {
    expect(FROM_EVALUATE).toBe(FROM_STATES);
  });
});
