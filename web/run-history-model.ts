// A pipeline's run history as loaded page by page and kept current by live run states. Pure.
import type { RunView } from '../shared/api.js';
import { isStale } from './overview-model.js';

/** Newest first (the API's order); live states replace the shown run or, when newer than all, go on top. */
export function upsertRuns(runs: readonly RunView[], updates: readonly RunView[]): RunView[] {
  let next = runs.slice();
  for (const run of updates) {
    const index = next.findIndex((r) => r.id === run.id);
    if (index >= 0) {
      if (!isStale(run, next[index]!)) next[index] = run;
    } else if (next.length === 0 || run.id > next[0]!.id) {
      next = [run, ...next];
    }
    // Older unknown runs belong to pages not loaded yet: the cursor pages bring them.
  }
  return next;
}

/** A next page, minus runs already shown (a live insert can shift the keyset boundary). */
export function appendPage(runs: readonly RunView[], page: readonly RunView[]): RunView[] {
  const known = new Set(runs.map((r) => r.id));
  return [...runs, ...page.filter((r) => !known.has(r.id))];
}
