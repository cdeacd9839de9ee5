// A run's error list kept current by REST pages and live batches. Pure.
import type { ErrorView } from '../shared/api.js';

/** New errors in file order, without repeats (a replayed batch, or one already in the REST page). */
export function mergeErrors(current: readonly ErrorView[], incoming: readonly ErrorView[]): ErrorView[] {
  const known = new Set(current.map((e) => e.id));
  const fresh = incoming.filter((e) => !known.has(e.id));
  if (fresh.length === 0) return current.slice();
  return [...current, ...fresh].sort((a, b) => a.offset - b.offset);
}
