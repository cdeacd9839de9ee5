// Run history statuses (web/history-status.ts): URL value → API filter, live runs, and the success wording.
import { describe, expect, it } from 'vitest';
import { historyQuery, matchesHistoryStatus, successWording } from '../web/history-status.js';

describe('history statuses', () => {
  it('asks the API for clean and unstable successes apart', () => {
    expect(historyQuery(null)).toEqual({});
    expect(historyQuery('success')).toEqual({ status: 'success', failedRecords: 'none' });
    expect(historyQuery('unstable')).toEqual({ status: 'success', failedRecords: 'some' });
    expect(historyQuery('abandoned')).toEqual({ status: 'abandoned' });
  });

  it('lets a live run into a filtered history only when it matches', () => {
    expect(matchesHistoryStatus('success', { status: 'success', failed: 2 })).toBe(false);
    expect(matchesHistoryStatus('unstable', { status: 'success', failed: 2 })).toBe(true);
    expect(matchesHistoryStatus('failure', { status: 'running', failed: 0 })).toBe(false);
    expect(matchesHistoryStatus(null, { status: 'running', failed: 0 })).toBe(true);
  });

  it('says clean and unstable shares apart, so amber does not read as 100% ok', () => {
    expect(successWording(null, null)).toBe('');
    expect(successWording(1, 0)).toBe('100% clean');
    expect(successWording(1, 1)).toBe('0% clean · 100% with failed records');
    expect(successWording(0.75, 0.25)).toBe('50% clean · 25% with failed records');
  });
});
