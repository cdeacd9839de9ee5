// Which runs `runboard tail` follows in the all-runs mode, read over REST: the running ones (as many as one
// subscribe can carry beside the overview), and with `--since` also those with a line inside the window.
import type { RunView } from '../../shared/api.js';
import { MAX_TOPICS } from './followed-run.js';
import type { TailApi } from './rest.js';
import type { RunFilter } from './select.js';

export function runningRuns(api: TailApi, filter: RunFilter): Promise<RunView[]> {
  return api.runs({ ...filter, status: 'running' }, MAX_TOPICS - 1);
}

/** At start: the running runs, then (with `--since`) the newest 200 whose last line is inside the window. */
export async function runsToFollowAtStart(
  api: TailApi,
  filter: RunFilter,
  sinceTime: number | null,
): Promise<RunView[]> {
  const running = await runningRuns(api, filter);
  const candidates = new Map(running.map((run) => [run.id, run]));
  if (sinceTime !== null) {
    for (const run of await api.runs(filter, 200)) {
      const lastSeen = run.lastEventAt ?? run.startedAt ?? 0;
      if (lastSeen >= sinceTime && !candidates.has(run.id)) candidates.set(run.id, run);
    }
  }
  return [...candidates.values()];
}
