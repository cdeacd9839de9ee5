// What GET /api/errors/groups answers: the groups and the identifiers on a failure streak, read in one
// transaction so both describe the same moment. Moved here from the route so it can run on a query worker.
import type { ErrorGroup, ErrorGroupSort, RecurringIdentifier } from '../../shared/api.js';
import type { Db } from '../../shared/db.js';
import { identifierStreaks } from '../routes/identifier-streaks.js';
import { identifierFailuresOfRun, listErrorGroups, recentFinishedRunIds } from './error-groups.js';
import { listPipelineKeys, type PipelineKey } from './pipelines.js';

export interface ErrorOverviewQuery {
  club?: string | undefined;
  pipeline?: string | undefined;
  since: number;
  limit: number;
  consecutive: number;
  sort?: ErrorGroupSort | undefined;
  identifier?: string | undefined;
  runId?: number | undefined;
  hideAcknowledged?: boolean | undefined;
}

export interface ErrorOverview {
  groups: ErrorGroup[];
  recurringIdentifiers: RecurringIdentifier[];
}

function recurringIdentifiers(db: Db, query: ErrorOverviewQuery): RecurringIdentifier[] {
  const keys: PipelineKey[] =
    query.club !== undefined && query.pipeline !== undefined
      ? [{ club: query.club, pipeline: query.pipeline }]
      : listPipelineKeys(db, query.club).filter((k) => query.pipeline === undefined || k.pipeline === query.pipeline);
  const result: RecurringIdentifier[] = [];
  for (const key of keys) {
    const runIds = recentFinishedRunIds(db, key);
    // Lazy: each run's failures are read only while some identifier is still on a streak.
    const failures = (function* () {
      for (const runId of runIds) yield identifierFailuresOfRun(db, runId);
    })();
    for (const streak of identifierStreaks(failures, query.consecutive)) result.push({ ...key, ...streak });
  }
  return result.sort((a, b) => b.consecutiveRuns - a.consecutiveRuns || b.lastSeen - a.lastSeen);
}

export function errorOverview(db: Db, query: ErrorOverviewQuery): ErrorOverview {
  return db.$client.transaction(() => ({
    groups: listErrorGroups(db, {
      club: query.club,
      pipeline: query.pipeline,
      since: query.since,
      limit: query.limit,
      sort: query.sort,
      identifier: query.identifier,
      runId: query.runId,
      hideAcknowledged: query.hideAcknowledged,
    }),
    recurringIdentifiers: recurringIdentifiers(db, query),
  }))();
}
