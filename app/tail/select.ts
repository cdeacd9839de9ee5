// Which runs and lines `runboard tail` shows. Pure.
import type { LogLineView, RunView } from '../../shared/api.js';

export interface RunFilter {
  club: string | null;
  pipeline: string | null;
}

export function runMatches(run: Pick<RunView, 'club' | 'pipeline'>, filter: RunFilter): boolean {
  return (
    (filter.club === null || run.club === filter.club) && (filter.pipeline === null || run.pipeline === filter.pipeline)
  );
}

/** Run and step starts and ends stay visible under `--level`: they are the outline that the kept lines hang on. */
const OUTLINE_EVENTS: ReadonlySet<string> = new Set(['run.start', 'run.end', 'step.start', 'step.end']);

export function lineShown(line: Pick<LogLineView, 'level' | 'event'>, minLevel: number | null): boolean {
  if (minLevel === null || line.level >= minLevel) return true;
  return line.event !== null && OUTLINE_EVENTS.has(line.event);
}

/** The lines past `seenOffset` (lines come in file order, so this drops exactly what was already handled). */
export function linesPast<T extends { offset: number }>(lines: readonly T[], seenOffset: number): T[] {
  return lines.filter((line) => line.offset > seenOffset);
}

/**
 * Lines of several runs interleaved by time for the `--since` backfill, each run's own lines kept in file order
 * (a k-way merge, not a sort: a line stamped earlier than the one before it in its file still comes after it).
 */
export function mergeByTime<T extends Pick<LogLineView, 'time' | 'runId'>>(lists: readonly T[][]): T[] {
  const heads = lists.map(() => 0);
  const merged: T[] = [];
  for (;;) {
    let pick = -1;
    let best: T | undefined;
    for (const [index, list] of lists.entries()) {
      const head = list[heads[index] as number];
      if (head === undefined) continue;
      if (best === undefined || head.time < best.time || (head.time === best.time && head.runId < best.runId)) {
        best = head;
        pick = index;
      }
    }
    if (best === undefined) return merged;
    merged.push(best);
    heads[pick] = (heads[pick] as number) + 1;
  }
}
