// The pipeline page's success shares over its loaded runs. Only runs with a recorded outcome count: a running run
// has none yet, and an `ended` run (a plain pino file with no run.end) never recorded one, so counting either would
// read two successes and two ended runs as "50% clean". An abandoned run did promise an outcome and crashed: it
// counts, as a run that did not succeed. The server's 24 h rate (windowStats) counts the same way.
import type { RunStatus } from '../shared/events.js';

export interface OutcomeRun {
  status: RunStatus;
  counts: { failed: number };
}

export interface OutcomeRates {
  /** Runs with a recorded outcome: the denominator. */
  withOutcome: number;
  /** Shares (0..1) of those runs: successes, and successes that counted failed records; null with none. */
  successRate: number | null;
  unstableRate: number | null;
}

export function hasOutcome(status: RunStatus): boolean {
  return status !== 'running' && status !== 'ended';
}

export function outcomeRates(runs: readonly OutcomeRun[]): OutcomeRates {
  const counted = runs.filter((r) => hasOutcome(r.status));
  if (counted.length === 0) return { withOutcome: 0, successRate: null, unstableRate: null };
  const succeeded = counted.filter((r) => r.status === 'success');
  return {
    withOutcome: counted.length,
    successRate: succeeded.length / counted.length,
    unstableRate: succeeded.filter((r) => r.counts.failed > 0).length / counted.length,
  };
}
