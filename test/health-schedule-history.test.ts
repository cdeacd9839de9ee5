// Expected against actual start times (health/schedule-history.ts): each occurrence with the run that answered it,
// how late or early, the occurrences nobody answered, across DST changes, and nothing without a schedule.
import { describe, expect, it } from 'vitest';
import { matchScheduledStarts, type RunStart } from '../health/schedule-history.js';
import { compileSchedule, type CompiledSchedule } from '../health/schedule.js';
import type { ScheduledStart } from '../shared/health.js';

const at = (iso: string): number => Date.parse(iso);

function compiled(expression: string, timezone = 'UTC'): CompiledSchedule {
  const result = compileSchedule(expression, timezone);
  if (!result.ok) throw new Error(result.reason);
  return result.schedule;
}

/** The entries in a readable form: `due → timing run delay`. */
function rows(starts: readonly ScheduledStart[]): string[] {
  return starts.map((s) => {
    const due = s.dueAt === null ? '-' : new Date(s.dueAt).toISOString();
    const run = s.runId === null ? '' : ` #${s.runId}`;
    const delay = s.delayMs === null ? '' : ` ${s.delayMs}ms`;
    return `${due} ${s.timing}${run}${delay}`;
  });
}

const run = (id: number, iso: string): RunStart => ({ id, startedAt: at(iso) });

describe('matchScheduledStarts', () => {
  const every5s = compiled('*/5 * * * * *');

  it('pairs each occurrence with the run that answered it: on time, late, missed, and one still waiting', () => {
    const starts = matchScheduledStarts({
      schedule: every5s,
      graceMs: 2000,
      runs: [run(1, '2026-06-01T10:00:00.300Z'), run(2, '2026-06-01T10:00:08.500Z')],
      now: at('2026-06-01T10:00:16.000Z'),
      occurrences: 4,
      expectedSince: null,
    });
    expect(rows(starts)).toEqual([
      '2026-06-01T10:00:15.000Z waiting',
      '2026-06-01T10:00:10.000Z missed',
      '2026-06-01T10:00:05.000Z late #2 3500ms',
      '2026-06-01T10:00:00.000Z on-time #1 300ms',
    ]);
  });

  it('says overdue once grace has passed with no run and the next occurrence is not due yet', () => {
    const starts = matchScheduledStarts({
      schedule: every5s,
      graceMs: 2000,
      runs: [],
      now: at('2026-06-01T10:00:02.500Z'),
      occurrences: 1,
      expectedSince: null,
    });
    expect(rows(starts)).toEqual(['2026-06-01T10:00:00.000Z overdue']);
  });

  it('counts a run that started just before its due time for that occurrence, early (negative delay)', () => {
    const starts = matchScheduledStarts({
      schedule: every5s,
      graceMs: 2000,
      runs: [run(7, '2026-06-01T10:00:04.600Z'), run(8, '2026-06-01T10:00:09.900Z')],
      now: at('2026-06-01T10:00:09.950Z'),
      occurrences: 3,
      expectedSince: null,
    });
    // 10:00:10 is due within the tolerance, so it is shown and run 8 answers it 100 ms early.
    expect(rows(starts)).toEqual([
      '2026-06-01T10:00:10.000Z on-time #8 -100ms',
      '2026-06-01T10:00:05.000Z on-time #7 -400ms',
      '2026-06-01T10:00:00.000Z missed',
    ]);
  });

  it('a run well before its due time answers the previous occurrence (late), as the health judge counts it', () => {
    const daily = compiled('0 3 * * *');
    const starts = matchScheduledStarts({
      schedule: daily,
      graceMs: 15 * 60_000,
      runs: [run(1, '2026-06-01T03:00:10Z'), run(2, '2026-06-02T02:50:00Z')],
      now: at('2026-06-02T03:20:00Z'),
      occurrences: 2,
      expectedSince: null,
    });
    expect(rows(starts)).toEqual([
      '2026-06-02T03:00:00.000Z overdue',
      '- extra #2',
      '2026-06-01T03:00:00.000Z on-time #1 10000ms',
    ]);
  });

  it('lists a second run for one occurrence as extra', () => {
    const starts = matchScheduledStarts({
      schedule: every5s,
      graceMs: 2000,
      runs: [run(1, '2026-06-01T10:00:00.100Z'), run(2, '2026-06-01T10:00:01.000Z')],
      now: at('2026-06-01T10:00:03.000Z'),
      occurrences: 1,
      expectedSince: null,
    });
    expect(rows(starts)).toEqual(['- extra #2', '2026-06-01T10:00:00.000Z on-time #1 100ms']);
  });

  it('reports no missed occurrence from before runboard expected anything', () => {
    const starts = matchScheduledStarts({
      schedule: every5s,
      graceMs: 2000,
      runs: [],
      now: at('2026-06-01T10:00:21.000Z'),
      occurrences: 5,
      expectedSince: at('2026-06-01T10:00:12.000Z'),
    });
    expect(rows(starts)).toEqual(['2026-06-01T10:00:20.000Z waiting', '2026-06-01T10:00:15.000Z missed']);
  });

  it('places a 02:30 job on the spring-forward day at 03:00 and matches its run on time (Europe/Amsterdam)', () => {
    const schedule = compiled('30 2 * * *', 'Europe/Amsterdam');
    const starts = matchScheduledStarts({
      schedule,
      graceMs: 5 * 60_000,
      runs: [
        run(1, '2026-03-28T01:30:04Z'), // 02:30:04 CET
        run(2, '2026-03-29T01:00:03Z'), // 03:00:03 CEST: 02:30 does not exist that day
        run(3, '2026-03-30T00:30:05Z'), // 02:30:05 CEST
      ],
      now: at('2026-03-30T12:00:00Z'),
      occurrences: 3,
      expectedSince: null,
    });
    expect(rows(starts)).toEqual([
      '2026-03-30T00:30:00.000Z on-time #3 5000ms',
      '2026-03-29T01:00:00.000Z on-time #2 3000ms',
      '2026-03-28T01:30:00.000Z on-time #1 4000ms',
    ]);
  });

  it('has one occurrence on the fall-back day, so a repeat run at the second 02:30 is extra (Europe/Amsterdam)', () => {
    const schedule = compiled('30 2 * * *', 'Europe/Amsterdam');
    const starts = matchScheduledStarts({
      schedule,
      graceMs: 5 * 60_000,
      runs: [run(1, '2026-10-25T00:30:01Z'), run(2, '2026-10-25T01:30:01Z')], // 02:30 CEST, then 02:30 CET
      now: at('2026-10-25T12:00:00Z'),
      occurrences: 1,
      expectedSince: null,
    });
    expect(rows(starts)).toEqual(['- extra #2', '2026-10-25T00:30:00.000Z on-time #1 1000ms']);
  });

  it('matches nothing without a schedule', () => {
    expect(
      matchScheduledStarts({
        schedule: null,
        graceMs: 2000,
        runs: [run(1, '2026-06-01T10:00:00Z')],
        now: at('2026-06-01T10:01:00Z'),
        occurrences: 20,
        expectedSince: null,
      }),
    ).toEqual([]);
  });
});
