// Which identifiers failed in each of a pipeline's latest runs, and for how many runs in a row. Pure: the runs
// come from an iterable the caller fills lazily, so a healthy pipeline costs one or two runs' worth of reads.
import type { IdentifierFailure } from '../queries/error-groups.js';

export interface IdentifierStreak {
  identifier: string;
  /** Consecutive runs, counting back from the newest, in which the identifier failed. */
  consecutiveRuns: number;
  /** The failure in the newest run. */
  lastMessage: string;
  lastSeen: number;
}

/**
 * `runs` yields each run's failing identifiers, newest run first. Stops pulling runs as soon as no identifier
 * of the newest run is still on a streak.
 */
export function identifierStreaks(
  runs: Iterable<ReadonlyMap<string, IdentifierFailure>>,
  minimumRuns: number,
): IdentifierStreak[] {
  const iterator = runs[Symbol.iterator]();
  const first = iterator.next();
  if (first.done) return [];
  const newest = first.value;
  const streak = new Map<string, number>([...newest.keys()].map((id) => [id, 1]));
  let alive = [...newest.keys()];
  while (alive.length > 0) {
    const next = iterator.next();
    if (next.done) break;
    alive = alive.filter((id) => next.value.has(id));
    for (const id of alive) streak.set(id, (streak.get(id) ?? 0) + 1);
  }
  const result: IdentifierStreak[] = [];
  for (const [identifier, consecutiveRuns] of streak) {
    if (consecutiveRuns < minimumRuns) continue;
    const failure = newest.get(identifier) as IdentifierFailure;
    result.push({ identifier, consecutiveRuns, lastMessage: failure.message, lastSeen: failure.time });
  }
  return result.sort(
    (a, b) =>
      b.consecutiveRuns - a.consecutiveRuns || b.lastSeen - a.lastSeen || a.identifier.localeCompare(b.identifier),
  );
}
