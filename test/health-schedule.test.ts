import { describe, expect, it } from 'vitest';
import {
  compileSchedule,
  describeSchedule,
  dueTimesAtOrBefore,
  dueWindow,
  isValidTimezone,
  lastDueAtOrBefore,
  nextDueAfter,
  type CompiledSchedule,
} from '../health/schedule.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());

function compiled(expression: string, timezone = 'UTC'): CompiledSchedule {
  const result = compileSchedule(expression, timezone);
  if (!result.ok) throw new Error(result.reason);
  return result.schedule;
}

/** Every due time in [from, to], oldest first, walking with nextDueAfter as the evaluator's timer would. */
function dueBetween(schedule: CompiledSchedule, from: string, to: string): string[] {
  const out: string[] = [];
  let cursor = at(from) - 1;
  for (;;) {
    const next = nextDueAfter(schedule, cursor);
    if (next === null || next > at(to)) return out;
    out.push(new Date(next).toISOString());
    cursor = next;
  }
}

describe('compileSchedule', () => {
  it('accepts 5 fields, 6 with seconds first, and the crontab shortcuts', () => {
    expect(compiled('0 3 * * *').hasSeconds).toBe(false);
    expect(compiled('*/5 * * * * *').hasSeconds).toBe(true);
    for (const shortcut of [
      '@daily',
      '@hourly',
      '@weekly',
      '@monthly',
      '@yearly',
      '@annually',
      '@midnight',
      '@DAILY',
    ]) {
      expect(compileSchedule(shortcut, 'UTC').ok, shortcut).toBe(true);
    }
    expect(compiled('  0 3 * * *  ').expression).toBe('0 3 * * *');
  });

  it('explains what is wrong in one line', () => {
    const reasons = ['0 3 * *', '0 0 3 * * * 2026', '61 3 * * *', '', '@reboot', '@sometimes', '0 3 * * MON#9'].map(
      (expression) => {
        const result = compileSchedule(expression, 'UTC');
        expect(result.ok, expression).toBe(false);
        return result.ok ? '' : result.reason;
      },
    );
    expect(reasons[0]).toMatch(/4 fields.*5.*6/);
    expect(reasons[1]).toMatch(/7 fields/);
    expect(reasons[2]).toMatch(/minute: 61/);
    expect(reasons[4]).toMatch(/@reboot/);
    for (const reason of reasons) expect(reason).not.toContain('\n');
  });

  it('refuses a zone that is not IANA', () => {
    const result = compileSchedule('0 3 * * *', 'Mars/Olympus');
    expect(result).toEqual({ ok: false, reason: '"Mars/Olympus" is not an IANA time zone' });
    expect(isValidTimezone('Europe/Amsterdam')).toBe(true);
    expect(isValidTimezone('UTC')).toBe(true);
    expect(isValidTimezone('')).toBe(false);
    expect(isValidTimezone(' UTC')).toBe(false);
  });
});

describe('due times', () => {
  it('counts a due time equal to now as due, and the next as strictly after', () => {
    const daily = compiled('0 3 * * *');
    expect(iso(lastDueAtOrBefore(daily, at('2026-05-10T03:00:00Z')))).toBe('2026-05-10T03:00:00.000Z');
    expect(iso(lastDueAtOrBefore(daily, at('2026-05-10T02:59:59.999Z')))).toBe('2026-05-09T03:00:00.000Z');
    expect(iso(nextDueAfter(daily, at('2026-05-10T03:00:00Z')))).toBe('2026-05-11T03:00:00.000Z');
    expect(dueTimesAtOrBefore(daily, at('2026-05-10T12:00:00Z'), 2).map(iso)).toEqual([
      '2026-05-10T03:00:00.000Z',
      '2026-05-09T03:00:00.000Z',
    ]);
  });

  it('Europe/Amsterdam spring forward: a 02:30 job is due at 03:00 that day', () => {
    const job = compiled('30 2 * * *', 'Europe/Amsterdam');
    expect(dueBetween(job, '2026-03-28T00:00:00Z', '2026-03-30T23:59:59Z')).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST: 02:30 does not exist
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
    // Backwards agrees with forwards, so the evaluator never sees a due time the timer would not.
    expect(iso(lastDueAtOrBefore(job, at('2026-03-29T12:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
  });

  it('Europe/Amsterdam fall back: a 02:30 job is due once', () => {
    const job = compiled('30 2 * * *', 'Europe/Amsterdam');
    expect(dueBetween(job, '2026-10-24T00:00:00Z', '2026-10-26T23:59:59Z')).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z', // the first 02:30 (CEST) only
      '2026-10-26T01:30:00.000Z',
    ]);
    expect(dueTimesAtOrBefore(job, at('2026-10-25T12:00:00Z'), 2).map(iso)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-24T00:30:00.000Z',
    ]);
  });

  it('a list of hours is fixed-time too, as in Vixie cron', () => {
    const job = compiled('30 2,14 * * *', 'Europe/Amsterdam');
    expect(dueBetween(job, '2026-03-29T00:00:00Z', '2026-03-29T23:59:59Z')).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T12:30:00.000Z',
    ]);
  });

  it('an interval job keeps real-time spacing through the repeated hour', () => {
    const job = compiled('*/30 * * * *', 'Europe/Amsterdam');
    expect(dueBetween(job, '2026-10-25T00:00:00Z', '2026-10-25T01:59:59Z')).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
  });

  it('America/New_York: spring forward at 03:00, fall back once', () => {
    const job = compiled('30 2 * * *', 'America/New_York');
    expect(dueBetween(job, '2026-03-07T12:00:00Z', '2026-03-09T12:00:00Z')).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:30:00.000Z',
    ]);
    const early = compiled('30 1 * * *', 'America/New_York');
    expect(dueBetween(early, '2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z')).toEqual([
      '2026-11-01T05:30:00.000Z', // 01:30 EDT; 01:30 EST is not due again
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('a 31st-of-month job skips the short months', () => {
    const job = compiled('0 3 31 * *', 'Europe/Amsterdam');
    expect(dueBetween(job, '2026-01-01T00:00:00Z', '2026-08-31T23:59:59Z')).toEqual([
      '2026-01-31T02:00:00.000Z',
      '2026-03-31T01:00:00.000Z',
      '2026-05-31T01:00:00.000Z',
      '2026-07-31T01:00:00.000Z',
      '2026-08-31T01:00:00.000Z',
    ]);
    expect(iso(lastDueAtOrBefore(job, at('2026-05-15T00:00:00Z')))).toBe('2026-03-31T01:00:00.000Z');
  });

  it('@daily is midnight in the zone', () => {
    const job = compiled('@daily', 'America/New_York');
    expect(iso(nextDueAfter(job, at('2026-01-10T12:00:00Z')))).toBe('2026-01-11T05:00:00.000Z');
  });

  it('second-resolution schedules', () => {
    const job = compiled('*/5 * * * * *');
    expect(iso(lastDueAtOrBefore(job, at('2026-01-01T12:00:07.300Z')))).toBe('2026-01-01T12:00:05.000Z');
    expect(iso(nextDueAfter(job, at('2026-01-01T12:00:07.300Z')))).toBe('2026-01-01T12:00:10.000Z');
    expect(iso(nextDueAfter(job, at('2026-01-01T12:00:10.000Z')))).toBe('2026-01-01T12:00:15.000Z');
  });

  it('refuses a schedule that is never due, and accepts a leap day', () => {
    expect(compileSchedule('0 3 30 2 *', 'UTC')).toEqual({ ok: false, reason: '"0 3 30 2 *" is never due' });
    expect(iso(nextDueAfter(compiled('0 3 29 2 *'), at('2026-01-01T00:00:00Z')))).toBe('2028-02-29T03:00:00.000Z');
  });

  it('dueWindow gives the same answers as the direct look-ups, across due times', () => {
    const job = compiled('*/5 * * * * *', 'Europe/Amsterdam');
    for (let now = at('2026-10-25T00:59:50Z'); now < at('2026-10-25T01:00:20Z'); now += 700) {
      const [last, previous] = dueTimesAtOrBefore(job, now, 2);
      const window = dueWindow(job, now);
      expect({ previous: window.previous, last: window.last, next: window.next }).toEqual({
        previous,
        last,
        next: nextDueAfter(job, now),
      });
    }
    // Through DST changes, for fixed-time and interval jobs, moving on one due time at a time and jumping.
    for (const [expression, zone, from, step] of [
      ['30 2 * * *', 'Europe/Amsterdam', '2026-03-27T00:00:00Z', 7 * 3_600_000],
      ['30 2 * * *', 'Europe/Amsterdam', '2026-10-23T00:00:00Z', 5 * 3_600_000],
      ['*/30 * * * *', 'Europe/Amsterdam', '2026-10-24T23:00:00Z', 11 * 60_000],
      ['30 1 * * *', 'America/New_York', '2026-10-30T00:00:00Z', 13 * 3_600_000],
      ['0 3 31 * *', 'UTC', '2026-01-01T00:00:00Z', 17 * 86_400_000],
    ] as const) {
      const schedule = compiled(expression, zone);
      for (let now = at(from), i = 0; i < 40; now += step, i++) {
        const [last, previous] = dueTimesAtOrBefore(schedule, now, 2);
        const window = dueWindow(schedule, now);
        expect([window.previous, window.last, window.next], `${expression} ${zone} ${iso(now)}`).toEqual([
          previous,
          last,
          nextDueAfter(schedule, now),
        ]);
      }
    }
    // Backwards in time too (a caller's clock may step back).
    expect(dueWindow(job, at('2026-10-25T00:00:02Z')).last).toBe(at('2026-10-25T00:00:00Z'));
  });

  it('shares one compiled schedule per distinct expression and zone', () => {
    expect(compiled('0 3 * * *', 'Europe/Amsterdam')).toBe(compiled('0 3 * * *', 'Europe/Amsterdam'));
    expect(compiled('0 3 * * *', 'Europe/Amsterdam')).not.toBe(compiled('0 3 * * *', 'UTC'));
  });
});

describe('describeSchedule', () => {
  it('says it in words, 24-hour', () => {
    expect(describeSchedule('0 3 * * *')).toBe('At 03:00');
    expect(describeSchedule('*/5 * * * * *')).toBe('Every 5 seconds');
    expect(describeSchedule('@daily')).toBe('At 00:00');
    expect(describeSchedule('@midnight')).toBe('At 00:00');
    expect(describeSchedule('0 3 31 * *')).toBe('At 03:00, on day 31 of the month');
  });

  it('falls back to the expression', () => {
    expect(describeSchedule('not a cron')).toBe('not a cron');
  });
});
