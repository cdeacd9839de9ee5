// A pipeline's run history as loaded page by page and kept current by live run states. Pure.
import type { RunView } from '../shared/api.js';
import { compareRecency, isStale } from './overview-model.js';

/**
 * Newest first (the API's order: start time, then id). Live states replace the shown run; an unknown run is
 * inserted in order when it falls within what is loaded (or everything is loaded); otherwise a later
 * cursor page brings it.
 */
export function upsertRuns(runs: readonly RunView[], updates: readonly RunView[], allLoaded = false): RunView[] {
  const next = runs.slice();
  for (const run of updates) {
    const index = next.findIndex((r) => r.id === run.id);
    if (index >= 0) {
      if (!isStale(run, next[index]!)) next[index] = run;
      continue;
    }
    const at = next.findIndex((r) => compareRecency(run, r) > 0);
    if (at >= 0) next.splice(at, 0, run);
    else if (allLoaded) next.push(run);
  }
  return next;
}

/** A next page, minus runs already shown (a live insert can shift the keyset boundary). */
export function appendPage(runs: readonly RunView[], page: readonly RunView[]): RunView[] {
  const known = new Set(runs.map((r) => r.id));
  return [...runs, ...page.filter((r) => !known.has(r.id))];
}
