// Words for expected against actual starts on the pipeline page (web/schedule-history-model.ts).
import { describe, expect, it } from 'vitest';
import { delayWords, scheduleSummary } from '../web/schedule-history-model.js';

describe('schedule history words', () => {
  it('says how late or early a run started', () => {
    expect(delayWords({ delayMs: 3500 })).toBe('3.5 s after due');
    expect(delayWords({ delayMs: -400 })).toBe('400 ms before due');
    expect(delayWords({ delayMs: 0 })).toBe('on the dot');
    expect(delayWords({ delayMs: null })).toBe('—');
  });

  it('sums up the schedule in words with its expression, zone, grace and source', () => {
    expect(
      scheduleSummary({
        schedule: '*/5 * * * * *',
        scheduleText: 'Every 5 seconds',
        timezone: 'UTC',
        graceMs: 2000,
        scheduleSource: 'config',
      }),
    ).toBe('Every 5 seconds (*/5 * * * * *, UTC), grace 2.0 s, from config');
    expect(
      scheduleSummary({ schedule: null, scheduleText: null, timezone: null, graceMs: 300_000, scheduleSource: null }),
    ).toBeNull();
  });
});
