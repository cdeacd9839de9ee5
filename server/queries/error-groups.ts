// Errors grouped by fingerprint per pipeline, and the per-run identifier failures behind the streaks.
import type { Db } from '../../shared/db.js';
import type { ErrorGroup, ErrorGroupAck, ErrorGroupSort } from '../../shared/api.js';
import { errorTitle } from '../../shared/error-fingerprint.js';
import type { PipelineKey } from './pipelines.js';
import { budgetCheck } from './budget.js';
import { Conditions } from './conditions.js';
import { statement } from './statements.js';

/** Identifiers shown per group. */
const SAMPLE_IDENTIFIERS = 5;
/** How far back a streak is followed: a streak longer than this is reported as this many runs. */
export const STREAK_LOOKBACK_RUNS = 50;

export interface GroupFilter {
  club?: string | undefined;
  pipeline?: string | undefined;
  /** Only errors at or after this time (ms) are counted. */
  since: number;
  limit: number;
  /** Default: most recently seen first. */
  sort?: ErrorGroupSort | undefined;
  /** Only this record's errors: the groups it appears in, counted for it alone. */
  identifier?: string | undefined;
  /** Only this run's errors (the overview's "N errors" of a run). */
  runId?: number | undefined;
  /** Leave out groups acknowledged and not seen since. */
  hideAcknowledged?: boolean | undefined;
}

/** ORDER BY per sort, ties broken the same way every time (the limit must cut a stable list). */
const GROUP_ORDER: Record<ErrorGroupSort, string> = {
  lastSeen: 'lastSeen DESC, fingerprint',
  count: 'count DESC, lastSeen DESC, fingerprint',
  runs: 'runsAffected DESC, lastSeen DESC, fingerprint',
  // Over all history, as firstSeen is reported (the fingerprint index answers it per group).
  firstSeen: 'firstSeenAll DESC, lastSeen DESC, fingerprint',
};

interface GroupRow {
  club: string;
  pipeline: string;
  fingerprint: string;
  count: number;
  runsAffected: number;
  identifiersAffected: number;
  lastSeen: number;
  sampleMessage: string;
  system: string | null;
  latestRunId: number;
  ackBy: string | null;
  ackAt: number | null;
  ackThrough: number | null;
}

/** A run's place in its pipeline's order (newest first by start, then id; undated runs oldest). */
interface RunOrder {
  startedAt: number | null;
  id: number;
}

function isAtOrAfter(a: RunOrder, b: RunOrder): boolean {
  const aStart = a.startedAt ?? -1;
  const bStart = b.startedAt ?? -1;
  return aStart > bStart || (aStart === bStart && a.id >= b.id);
}

/**
 * New: first seen in the pipeline's latest finished run, or in a run started since (still running). A run in
 * progress must not turn the last run's new errors into old ones before it has even reached those records.
 */
export function isNewGroup(firstRun: RunOrder, latestFinished: RunOrder | null): boolean {
  return latestFinished === null || isAtOrAfter(firstRun, latestFinished);
}

/**
 * Groups with errors since `since`, most recently seen first. Counts are within the window; `firstSeen` and
 * `isNew` look at all history.
 */
export function listErrorGroups(db: Db, filter: GroupFilter): ErrorGroup[] {
  const client = db.$client;
  const conditions = new Conditions();
  conditions.add('time >= ?', filter.since);
  conditions.add(budgetCheck(client));
  conditions.addIf('club_slug = ?', filter.club);
  conditions.addIf('pipeline = ?', filter.pipeline);
  conditions.addIf('identifier = ?', filter.identifier);
  conditions.addIf('run_id = ?', filter.runId);
  const { clauses, params } = conditions;
  // With one max() in the select, SQLite takes the bare columns (message, system, run_id) from that row.
  // An acknowledgement holds while the group's last occurrence over all history (not just this window or record)
  // is no newer than what it covered: judged here, at read time, so ingest never has to clear it.
  const groups = statement(
    client,
    `SELECT g.club AS club, g.pipeline AS pipeline, g.fingerprint AS fingerprint, g.count AS count,
            g.runsAffected AS runsAffected, g.identifiersAffected AS identifiersAffected, g.lastSeen AS lastSeen,
            g.sampleMessage AS sampleMessage, g.system AS system, g.latestRunId AS latestRunId,
            a.acknowledged_by AS ackBy, a.acknowledged_at AS ackAt, a.through AS ackThrough${
              filter.sort === 'firstSeen' ? ', g.firstSeenAll AS firstSeenAll' : ''
            }
       FROM (SELECT club_slug AS club, pipeline, fingerprint, count(*) AS count,
                    count(DISTINCT run_id) AS runsAffected, count(DISTINCT identifier) AS identifiersAffected,
                    max(time) AS lastSeen, message AS sampleMessage, system, run_id AS latestRunId${
                      filter.sort === 'firstSeen'
                        ? `, (SELECT min(h.time) FROM run_errors h WHERE h.fingerprint = run_errors.fingerprint
                              AND h.club_slug = run_errors.club_slug AND h.pipeline = run_errors.pipeline)
                              AS firstSeenAll`
                        : ''
                    }
               FROM run_errors WHERE ${clauses.join(' AND ')}
              GROUP BY club_slug, pipeline, fingerprint) g
       LEFT JOIN error_acknowledgements a
         ON a.club_slug = g.club AND a.pipeline = g.pipeline AND a.fingerprint = g.fingerprint
        AND a.through >= (SELECT max(h.time) FROM run_errors h WHERE h.fingerprint = g.fingerprint
                             AND h.club_slug = g.club AND h.pipeline = g.pipeline)
      ${filter.hideAcknowledged === true ? 'WHERE a.fingerprint IS NULL' : ''}
      ORDER BY ${GROUP_ORDER[filter.sort ?? 'lastSeen']} LIMIT ?`,
  ).all(...params, filter.limit) as GroupRow[];

  const firstOccurrence = statement(
    client,
    `SELECT e.time, r.started_at AS runStartedAt, r.id AS runId
       FROM run_errors e JOIN runs r ON r.id = e.run_id
      WHERE e.fingerprint = ? AND e.club_slug = ? AND e.pipeline = ?
      ORDER BY e.time, e.id LIMIT 1`,
  );
  const sampleIdentifiers = statement(
    client,
    `SELECT DISTINCT identifier FROM run_errors
      WHERE fingerprint = ? AND club_slug = ? AND pipeline = ? AND time >= ? AND identifier IS NOT NULL
        AND (? IS NULL OR identifier = ?) AND (? IS NULL OR run_id = ?)
      ORDER BY identifier LIMIT ${SAMPLE_IDENTIFIERS}`,
  );
  const latestFinishedRun = statement(
    client,
    `SELECT started_at AS startedAt, id FROM runs WHERE club_slug = ? AND pipeline = ? AND status <> 'running'
      ORDER BY started_at DESC, id DESC LIMIT 1`,
  );
  const latestByPipeline = new Map<string, RunOrder | null>();
  const latestFinishedOf = (club: string, pipeline: string): RunOrder | null => {
    const key = JSON.stringify([club, pipeline]);
    if (!latestByPipeline.has(key)) {
      latestByPipeline.set(key, (latestFinishedRun.get(club, pipeline) as RunOrder | undefined) ?? null);
    }
    return latestByPipeline.get(key) ?? null;
  };

  const identifier = filter.identifier ?? null;
  const runId = filter.runId ?? null;
  return groups.map(({ ackBy, ackAt, ackThrough, ...g }) => {
    const first = firstOccurrence.get(g.fingerprint, g.club, g.pipeline) as {
      time: number;
      runStartedAt: number | null;
      runId: number;
    };
    const identifiers = (
      sampleIdentifiers.all(
        g.fingerprint,
        g.club,
        g.pipeline,
        filter.since,
        identifier,
        identifier,
        runId,
        runId,
      ) as Array<{
        identifier: string;
      }>
    ).map((r) => r.identifier);
    const acknowledged: ErrorGroupAck | null =
      ackBy !== null && ackAt !== null && ackThrough !== null ? { by: ackBy, at: ackAt, through: ackThrough } : null;
    return {
      ...g,
      title: errorTitle(g.sampleMessage),
      acknowledged,
      sampleIdentifiers: identifiers,
      firstSeen: first.time,
      isNew: isNewGroup({ startedAt: first.runStartedAt, id: first.runId }, latestFinishedOf(g.club, g.pipeline)),
    };
  });
}

/** The pipeline's latest runs that are no longer running, newest first. */
export function recentFinishedRunIds(db: Db, key: PipelineKey, count = STREAK_LOOKBACK_RUNS): number[] {
  const rows = statement(
    db.$client,
    `SELECT id FROM runs WHERE club_slug = ? AND pipeline = ? AND status <> 'running'
      ORDER BY started_at DESC, id DESC LIMIT ?`,
  ).all(key.club, key.pipeline, count) as Array<{ id: number }>;
  return rows.map((r) => r.id);
}

export interface IdentifierFailure {
  message: string;
  time: number;
}

/** Each identifier that failed in the run, with its last failure. */
export function identifierFailuresOfRun(db: Db, runId: number): Map<string, IdentifierFailure> {
  // With one max() in the select, SQLite takes the bare column (message) from that row.
  const rows = statement(
    db.$client,
    `SELECT identifier, message, max(time) AS time FROM run_errors
      WHERE run_id = ? AND identifier IS NOT NULL GROUP BY identifier`,
  ).all(runId) as Array<{ identifier: string } & IdentifierFailure>;
  return new Map(rows.map((r) => [r.identifier, { message: r.message, time: r.time }]));
}
