// The pipeline page's success shares (web/outcome-rates.ts): only runs with a recorded outcome count.
import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../shared/events.js';
import { successWording } from '../web/history-status.js';
import { outcomeRates } from '../web/outcome-rates.js';

const run = (status: RunStatus, failed = 0) => ({ status, counts: { failed } });

describe('outcome rates', () => {
  it('leaves ended runs out: two successes and two ended runs are 100% clean, not 50%', () => {
    const rates = outcomeRates([run('success'), run('ended'), run('success'), run('ended')]);
    expect(rates).toEqual({ withOutcome: 2, successRate: 1, unstableRate: 0 });
    expect(successWording(rates.successRate, rates.unstableRate)).toBe('100% clean');
  });

  it('leaves running runs out, and counts abandoned and failed runs as not succeeded', () => {
    const rates = outcomeRates([run('success', 2), run('running'), run('abandoned'), run('failure'), run('success')]);
    expect(rates).toEqual({ withOutcome: 4, successRate: 0.5, unstableRate: 0.25 });
  });

  it('has no rate when no run recorded an outcome', () => {
    expect(outcomeRates([run('ended'), run('running')])).toEqual({
      withOutcome: 0,
      successRate: null,
      unstableRate: null,
    });
    expect(outcomeRates([])).toEqual({ withOutcome: 0, successRate: null, unstableRate: null });
  });
});
