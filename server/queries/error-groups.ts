// Errors grouped by fingerprint per pipeline, and the per-run identifier failures behind the streaks.
import type { Db } from '../../shared/db.js';
import type { ErrorGroup } from '../../shared/api.js';
import type { PipelineKey } from './pipelines.js';
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
}

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
}

/**
 * Groups with errors since `since`, most recently seen first. Counts are within the window; `firstSeen` and
 * `isNew` look at all history: a group is new when its first occurrence ever is in the pipeline's latest run
 * that recorded errors.
 */
export function listErrorGroups(db: Db, filter: GroupFilter): ErrorGroup[] {
  const client = db.$client;
  const clauses = ['time >= ?'];
  const params: Array<string | number> = [filter.since];
  if (filter.club !== undefined) {
    clauses.push('club_slug = ?');
    params.push(filter.club);
  }
  if (filter.pipeline !== undefined) {
    clauses.push('pipeline = ?');
    params.push(filter.pipeline);
  }
  // With one max() in the select, SQLite takes the bare columns (message, system, run_id) from that row.
  const groups = statement(
    client,
    `SELECT club_slug AS club, pipeline, fingerprint, count(*) AS count, count(DISTINCT run_id) AS runsAffected,
            count(DISTINCT identifier) AS identifiersAffected, max(time) AS lastSeen, message AS sampleMessage,
            system, run_id AS latestRunId
       FROM run_errors WHERE ${clauses.join(' AND ')}
      GROUP BY club_slug, pipeline, fingerprint
      ORDER BY lastSeen DESC, fingerprint LIMIT ?`,
  ).all(...params, filter.limit) as GroupRow[];

  const firstOccurrence = statement(
    client,
    `SELECT time, run_id AS runId FROM run_errors WHERE fingerprint = ? AND club_slug = ? AND pipeline = ?
      ORDER BY time, id LIMIT 1`,
  );
  const sampleIdentifiers = statement(
    client,
    `SELECT DISTINCT identifier FROM run_errors
      WHERE fingerprint = ? AND club_slug = ? AND pipeline = ? AND time >= ? AND identifier IS NOT NULL
      ORDER BY identifier LIMIT ${SAMPLE_IDENTIFIERS}`,
  );
  const latestErroringRun = statement(
    client,
    `SELECT id FROM runs WHERE club_slug = ? AND pipeline = ? AND error_count > 0
      ORDER BY started_at DESC, id DESC LIMIT 1`,
  );
  const latestByPipeline = new Map<string, number | null>();
  const latestRunOf = (club: string, pipeline: string): number | null => {
    const key = JSON.stringify([club, pipeline]);
    if (!latestByPipeline.has(key)) {
      const row = latestErroringRun.get(club, pipeline) as { id: number } | undefined;
      latestByPipeline.set(key, row?.id ?? null);
    }
    return latestByPipeline.get(key) ?? null;
  };

  return groups.map((g) => {
    const first = firstOccurrence.get(g.fingerprint, g.club, g.pipeline) as { time: number; runId: number };
    const identifiers = (
      sampleIdentifiers.all(g.fingerprint, g.club, g.pipeline, filter.since) as Array<{ identifier: string }>
    ).map((r) => r.identifier);
    return {
      ...g,
      sampleIdentifiers: identifiers,
      firstSeen: first.time,
      isNew: first.runId === latestRunOf(g.club, g.pipeline),
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
