// A pipeline's health changes, newest first, keyset-paged by id (the order they were written in).
import type { Db } from '../../shared/db.js';
import type { HealthHistoryEntry, HealthState } from '../../shared/health.js';
import { decodeIntegerCursor, encodeCursor } from './cursor.js';
import type { RowPage } from './runs.js';
import { statement } from './statements.js';

const HEALTH_HISTORY_CURSOR = 'health-history';

interface HistoryRow {
  id: number;
  club: string;
  pipeline: string;
  fromState: HealthState | null;
  toState: HealthState;
  since: number;
  reason: string;
  at: number;
}

export function listHealthHistory(
  db: Db,
  key: { club: string; pipeline: string },
  cursor: string | undefined,
  limit: number,
): RowPage<HealthHistoryEntry> {
  const beforeId =
    cursor === undefined
      ? Number.MAX_SAFE_INTEGER
      : (decodeIntegerCursor(cursor, HEALTH_HISTORY_CURSOR, 1)[0] as number);
  // The (club_slug, pipeline, id) index serves the filter and the order: a page costs `limit` rows.
  const rows = statement(
    db.$client,
    `SELECT id, club_slug AS club, pipeline, from_state AS fromState, to_state AS toState, since, reason, at
       FROM pipeline_health_history WHERE club_slug = ? AND pipeline = ? AND id < ?
      ORDER BY id DESC LIMIT ?`,
  ).all(key.club, key.pipeline, beforeId, limit + 1) as HistoryRow[];
  const entries = rows.map((row): HealthHistoryEntry => ({
    id: row.id,
    club: row.club,
    pipeline: row.pipeline,
    from: row.fromState,
    to: row.toState,
    since: row.since,
    reason: row.reason,
    at: row.at,
  }));
  if (entries.length <= limit) return { rows: entries, nextCursor: null };
  entries.length = limit;
  return {
    rows: entries,
    nextCursor: encodeCursor(HEALTH_HISTORY_CURSOR, [(entries[limit - 1] as HealthHistoryEntry).id]),
  };
}
