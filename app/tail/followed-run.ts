// What `runboard tail` holds per followed run and the pure decisions about it: which lines are new (past
// `seenOffset`) and shown, which topics to subscribe to, and whether a run seen on the live socket should be
// followed. The I/O and the queue stay in follow.ts.
import type { LiveTopic, LogLineView, RunDetail, RunView, StepView } from '../../shared/api.js';
import { lineShown, linesPast, runMatches, type RunFilter } from './select.js';

export interface FollowedRun {
  view: RunView;
  steps: Map<string, StepView>;
  /** Offset of the last line handled (printed or filtered out); -1 before the first. */
  seenOffset: number;
}

/** The server takes at most 100 topics per subscribe (server/live-protocol.ts). */
export const MAX_TOPICS = 100;

export function takeDetail(followed: FollowedRun, detail: RunDetail): void {
  const { steps, ...view } = detail;
  followed.view = view;
  for (const step of steps) followed.steps.set(step.name, step);
}

/** The lines past `seenOffset` that pass the level filter; `seenOffset` moves past all new lines, shown or not. */
export function takeShownLines(
  followed: FollowedRun,
  lines: readonly LogLineView[],
  minLevel: number | null,
): LogLineView[] {
  const fresh = linesPast(lines, followed.seenOffset);
  const last = fresh[fresh.length - 1];
  if (last === undefined) return [];
  followed.seenOffset = last.offset;
  return fresh.filter((line) => lineShown(line, minLevel));
}

/** `--run`: the run once known, else the overview to spot it; all runs: the overview and every followed run. */
export function tailTopics(
  club: string | null,
  single: boolean,
  target: number | null,
  followedRunIds: Iterable<number>,
): LiveTopic[] {
  const overview: LiveTopic = club === null ? { kind: 'overview' } : { kind: 'overview', club };
  if (single) return target === null ? [overview] : [{ kind: 'run', runId: target }];
  const runTopics: LiveTopic[] = [...followedRunIds].map((runId) => ({ kind: 'run', runId }));
  return [overview, ...runTopics.slice(0, MAX_TOPICS - 1)];
}

export interface NewRunState {
  filter: RunFilter;
  /** Runs followed to their end in the all-runs mode: never picked up again from a late state message. */
  finishedRuns: ReadonlySet<number>;
  single: boolean;
  target: number | null;
  started: boolean;
  tailStartedAt: number;
}

/**
 * A run we are not following that should be: one that started after we did (every run), or the first such run
 * while `--run latest` waits for one. (A state change of an old run, such as being judged abandoned, is not.)
 */
export function isNewRunFor(run: RunView, state: NewRunState): boolean {
  if (!runMatches(run, state.filter) || state.finishedRuns.has(run.id)) return false;
  if (state.single && (state.target !== null || !state.started)) return false;
  return run.status === 'running' || (run.startedAt !== null && run.startedAt >= state.tailStartedAt);
}
