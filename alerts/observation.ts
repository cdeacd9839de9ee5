// What the alert rules read of a pipeline's runs besides its health: how many bad runs in a row (`after: N`) and
// whether the newest run is news. Pure and shared by the live outbox writer and `runboard alerts backtest`, so the
// two count the same runs the same way.
import type { RunStatus } from '../shared/events.js';

interface RunOutcomeView {
  id: string;
  status: RunStatus;
}

/** How many of the newest finished runs in a row failed or were abandoned; a run still running is skipped. */
export function consecutiveBadRuns(runsNewestFirst: readonly RunOutcomeView[]): number {
  let count = 0;
  for (const run of runsNewestFirst) {
    if (run.status === 'running') continue;
    if (run.status !== 'failure' && run.status !== 'abandoned') break;
    count++;
  }
  return count;
}

/**
 * The newest run and where it stands (`17:running`, `17:failure`). The rules are asked again when it changes, even
 * with no change of health: a new run, and also the same run ending, since a failing pipeline stays `failing` while
 * its next run runs and fails, and that end is the Nth bad run `after: N` waits for.
 */
export function newestRunMark(runsNewestFirst: readonly RunOutcomeView[]): string | null {
  const newest = runsNewestFirst[0];
  return newest === undefined ? null : `${newest.id}:${newest.status}`;
}
