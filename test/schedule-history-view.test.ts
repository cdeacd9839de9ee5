// The schedule-history answer's shell (app/schedule-history-view.ts): which runs it reads, and from when an
// unanswered occurrence counts as missed (watching since, the first run, or the oldest run read when cut short).
import { describe, expect, it } from 'vitest';
import type { HealthPolicy } from '../health/resolve-schedule.js';
import { compileSchedule } from '../health/schedule.js';
import { scheduleHistoryView } from '../app/schedule-history-view.js';
import type { RunStartRow } from '../ingest/health-store.js';

const KEY = { club: 'acme', pipeline: 'beat' };
const NOW = Date.parse('2026-06-01T10:01:40.500Z');

function policy(expression: string | null): HealthPolicy {
  const compiled = expression === null ? null : compileSchedule(expression, 'UTC');
  if (compiled !== null && !compiled.ok) throw new Error(compiled.reason);
  return {
    schedule:
      compiled === null
        ? null
        : {
            expression: expression as string,
            timezone: 'UTC',
            sourceKind: 'config',
            source: 'config',
            compiled: compiled.schedule,
          },
    graceMs: 2000,
    maxDurationMs: null,
    identifierFields: null,
    configPath: 'pipelines[0]',
    ignored: [],
  };
}

function store(runs: RunStartRow[], firstRun: number | null) {
  const reads: Array<{ since: number; limit: number }> = [];
  return {
    reads,
    runStartsSince: (_key: unknown, since: number, limit: number) => {
      reads.push({ since, limit });
      return runs.filter((run) => run.startedAt >= since).slice(0, limit);
    },
    firstRunStartedAt: () => firstRun,
  };
}

describe('scheduleHistoryView', () => {
  it('is null for a pipeline health does not track, and empty without a schedule', () => {
    expect(scheduleHistoryView({ policyOf: () => null }, store([], null), KEY, NOW)).toBeNull();
    const view = scheduleHistoryView(
      { policyOf: () => ({ policy: policy(null), watchingSince: 0 }) },
      store([], null),
      KEY,
      NOW,
    );
    expect(view).toMatchObject({ schedule: null, scheduleText: null, starts: [], graceMs: 2000 });
  });

  it('reads runs from the oldest occurrence shown, and expects nothing before watching or the first run', () => {
    const runs = store([{ id: 3, startedAt: Date.parse('2026-06-01T10:01:30.100Z') }], Date.parse('2026-01-01'));
    const view = scheduleHistoryView(
      { policyOf: () => ({ policy: policy('*/5 * * * * *'), watchingSince: Date.parse('2026-06-01T10:01:20Z') }) },
      runs,
      KEY,
      NOW,
    );
    // 20 occurrences back from 10:01:40 is 10:00:05; less the early tolerance.
    expect(runs.reads).toEqual([{ since: Date.parse('2026-06-01T10:00:04Z'), limit: 200 }]);
    expect(view?.expectedSince).toBe(Date.parse('2026-01-01'));
    expect(view?.scheduleText).toBe('Every 5 seconds');
    expect(view?.starts.find((s) => s.runId === 3)).toMatchObject({ timing: 'on-time', delayMs: 100 });
    expect(view?.starts.filter((s) => s.timing === 'missed')).toHaveLength(18);
  });

  it('counts no occurrence as missed before the oldest run read when the read was cut short', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({
      id: 1000 - i,
      startedAt: Date.parse('2026-06-01T10:01:40Z') - i * 100,
    }));
    const view = scheduleHistoryView(
      { policyOf: () => ({ policy: policy('*/5 * * * * *'), watchingSince: 0 }) },
      store(many, 0),
      KEY,
      NOW,
    );
    const oldestRead = many[199]!.startedAt;
    expect(view?.expectedSince).toBe(oldestRead);
    expect(view?.starts.some((s) => s.timing === 'missed' && (s.dueAt ?? 0) < oldestRead)).toBe(false);
  });
});
