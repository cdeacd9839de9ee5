// What one live client asked for, and the pure matching of a hub entry against it.
import type { LiveTopic } from '../shared/api.js';
import type { HubEntry } from './live-entry.js';
import type { PendingFrame } from './live-frame.js';

/** `true` = every club; a set = those clubs; `false` = topic not subscribed. */
type ClubFilter = boolean | Set<string>;

export interface Subscription {
  overview: ClubFilter;
  errors: ClubFilter;
  runIds: Set<number>;
}

function addClub(filter: ClubFilter, club: string | undefined): ClubFilter {
  if (filter === true || club === undefined) return true;
  const clubs = filter === false ? new Set<string>() : filter;
  clubs.add(club);
  return clubs;
}

function clubMatches(filter: ClubFilter, club: string): boolean {
  return filter === true || (filter !== false && filter.has(club));
}

export function subscriptionOf(topics: readonly LiveTopic[]): Subscription {
  const sub: Subscription = { overview: false, errors: false, runIds: new Set() };
  for (const topic of topics) {
    if (topic.kind === 'overview') sub.overview = addClub(sub.overview, topic.club);
    else if (topic.kind === 'errors') sub.errors = addClub(sub.errors, topic.club);
    else sub.runIds.add(topic.runId);
  }
  return sub;
}

export interface FillResult {
  /** Pending run/step states replaced by newer ones. */
  coalesced: number;
  /** Log lines turned into a `skipped` range instead of being kept. */
  dropped: number;
  /** Errors added. */
  errors: number;
}

/**
 * Adds what `entry` holds for `sub` to `frame`. With `dropLogs` (client congested) log lines only extend the
 * run's skipped range, so a stalled client costs O(runs), not O(lines).
 */
export function fillFrame(frame: PendingFrame, entry: HubEntry, sub: Subscription, dropLogs: boolean): FillResult {
  const result: FillResult = { coalesced: 0, dropped: 0, errors: 0 };
  for (const run of entry.runs) {
    if (sub.runIds.has(run.id) || clubMatches(sub.overview, run.club)) {
      if (frame.addRun(run)) result.coalesced++;
    }
  }
  for (const change of entry.steps) {
    if (sub.runIds.has(change.runId) || clubMatches(sub.overview, change.club)) {
      if (frame.addStep(change.runId, change.step)) result.coalesced++;
    }
  }
  for (const error of entry.errors) {
    if (sub.runIds.has(error.runId) || clubMatches(sub.errors, error.club)) {
      frame.addError(error);
      result.errors++;
    }
  }
  for (const runId of sub.runIds) {
    const lines = entry.logsByRun.get(runId);
    if (!lines) continue;
    if (dropLogs) {
      frame.skipLogs(runId, lines);
      result.dropped += lines.length;
    } else {
      frame.addLogs(runId, lines);
    }
  }
  for (const item of entry.health) {
    if (clubMatches(sub.overview, item.club) && frame.addHealth(item)) result.coalesced++;
  }
  for (const runId of entry.removedRunIds) {
    if (sub.overview !== false || sub.errors !== false || sub.runIds.has(runId)) frame.addRemoved(runId);
  }
  frame.cursor = entry.cursor;
  return result;
}
