// The overview's health wording and urgency order, pure.
import { describe, expect, it } from 'vitest';
import { emptyPipelineSummary, type PipelineSummary } from '../shared/api.js';
import type { PipelineHealth } from '../shared/health.js';
import { roughDuration, scheduleLine } from '../web/health-words.js';
import { applyHealth, groupByClub } from '../web/overview-model.js';

const NOW = Date.parse('2026-06-10T01:00:00Z');
const HOUR = 3_600_000;

function health(overrides: Partial<PipelineHealth>): PipelineHealth {
  return {
    state: 'ok',
    since: NOW - HOUR,
    reason: 'run 1 succeeded',
    schedule: '0 3 * * *',
    scheduleText: 'At 03:00',
    scheduleSource: 'config',
    timezone: 'UTC',
    nextDueAt: NOW + 2 * HOUR,
    lastDueAt: NOW - 22 * HOUR,
    urgency: 8,
    ...overrides,
  };
}

function summary(club: string, pipeline: string, h: PipelineHealth | null): PipelineSummary {
  return emptyPipelineSummary(club, pipeline, h);
}

describe('scheduleLine', () => {
  it('says when the next run is, how late a late one is, and since when a missed one is due', () => {
    expect(scheduleLine(health({}), NOW)).toBe('next run in 2 h (at 03:00)');
    expect(scheduleLine(health({ state: 'late', lastDueAt: NOW - 12 * 60_000 }), NOW)).toBe('late by 12 min');
    expect(scheduleLine(health({ state: 'missed', lastDueAt: NOW - 3 * HOUR }), NOW)).toBe(
      'missed: last due 3 h ago (at 03:00)',
    );
    expect(scheduleLine(health({ schedule: null, scheduleText: null }), NOW)).toBe(null);
    expect(scheduleLine(null, NOW)).toBe(null);
  });

  it('rounds down to the largest unit, never "0 s"', () => {
    expect([roughDuration(200), roughDuration(59_000), roughDuration(61 * 60_000), roughDuration(49 * HOUR)]).toEqual([
      '1 s',
      '59 s',
      '1 h',
      '2 d',
    ]);
  });
});

describe('overview order', () => {
  it('puts missed, late, stuck and failing first, in clubs led by their most urgent pipeline', () => {
    const list = [
      summary('a', 'fine', health({})),
      summary('a', 'unjudged', null),
      summary('a', 'broken', health({ state: 'failing', urgency: 3 })),
      summary('b', 'silent', health({ state: 'missed', urgency: 0 })),
      summary('b', 'alpha', health({})),
    ];
    expect(groupByClub(list, null).map((g) => [g.club, g.pipelines.map((p) => p.pipeline)])).toEqual([
      ['b', ['silent', 'alpha']],
      ['a', ['broken', 'fine', 'unjudged']],
    ]);
  });

  it('applies live health, adding a scheduled pipeline that has no run yet', () => {
    const list = [summary('a', 'fine', health({}))];
    const late = health({ state: 'late', urgency: 1 });
    const next = applyHealth(list, [
      { club: 'a', pipeline: 'fine', health: late },
      { club: 'a', pipeline: 'new', health: health({}) },
    ]);
    expect(next.map((p) => [p.pipeline, p.health?.state])).toEqual([
      ['fine', 'late'],
      ['new', 'ok'],
    ]);
    expect(list[0]?.health?.state).toBe('ok');
  });
});
