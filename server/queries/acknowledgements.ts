// The only writes the HTTP side makes to run data's neighbourhood: acknowledging an error group and taking it
// back. They run on the connection the app was built with (the daemon's writer), never on the read-only query
// workers; each is one small statement, so it waits for no ingest batch longer than SQLite's busy timeout.
import type { ErrorGroupAck } from '../../shared/api.js';
import type { Db } from '../../shared/db.js';
import { statement } from './statements.js';

export interface GroupKey {
  club: string;
  pipeline: string;
  fingerprint: string;
}

/**
 * Acknowledges the group through its last occurrence, or through `seenThrough` when the operator saw an earlier
 * state of it (an occurrence they have not seen must still show up). Null when the group has no errors at all.
 */
export function acknowledgeGroup(
  db: Db,
  key: GroupKey,
  by: string,
  now: number,
  seenThrough?: number,
): ErrorGroupAck | null {
  const client = db.$client;
  return client.transaction((): ErrorGroupAck | null => {
    const lastSeen = statement(
      client,
      `SELECT max(time) FROM run_errors WHERE fingerprint = ? AND club_slug = ? AND pipeline = ?`,
    )
      .pluck()
      .get(key.fingerprint, key.club, key.pipeline) as number | null;
    if (lastSeen === null) return null;
    const through = seenThrough === undefined ? lastSeen : Math.min(seenThrough, lastSeen);
    statement(
      client,
      `INSERT INTO error_acknowledgements (club_slug, pipeline, fingerprint, acknowledged_by, acknowledged_at, through)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (club_slug, pipeline, fingerprint)
       DO UPDATE SET acknowledged_by = excluded.acknowledged_by, acknowledged_at = excluded.acknowledged_at,
                     through = excluded.through`,
    ).run(key.club, key.pipeline, key.fingerprint, by, now, through);
    return { by, at: now, through };
  })();
}

/** Takes an acknowledgement back; true when there was one. */
export function unacknowledgeGroup(db: Db, key: GroupKey): boolean {
  const result = statement(
    db.$client,
    'DELETE FROM error_acknowledgements WHERE club_slug = ? AND pipeline = ? AND fingerprint = ?',
  ).run(key.club, key.pipeline, key.fingerprint);
  return result.changes > 0;
}
