// The alert outbox: alerts and their per-channel deliveries, and what the rules remember per pipeline. Written by
// the health shell inside the transaction that saves the health change (ingest/health-store.ts inTransaction), read
// and updated by the sender. SQL lives here so app/ only wires.
import type { Db } from '../shared/db.js';
import type { Alert, AlertDelivery } from '../shared/alerts.js';

export interface DueDelivery extends AlertDelivery {
  alert: Alert;
  created: number;
}

export interface AlertStore {
  /** The rules' memory for one pipeline, as JSON text (the shape is alerts/decide.ts's). */
  memory(club: string, pipeline: string): string | null;
  saveMemory(club: string, pipeline: string, memory: string): void;
  allMemories(): Array<{ club: string; pipeline: string; memory: string }>;
  /** The alert and one pending delivery per channel, due now. */
  enqueue(alert: Alert, now: number): void;
  /** Pending deliveries due by `now`, oldest first. */
  due(now: number, limit: number): DueDelivery[];
  /** The soonest pending attempt, or null. */
  nextDueAt(): number | null;
  markSent(alertId: string, channel: string, at: number): void;
  markRetry(alertId: string, channel: string, nextAttemptAt: number, error: string): void;
  markFailed(alertId: string, channel: string, error: string): void;
  /**
   * Titles (the first message) of the run's error fingerprints that its pipeline did not log in an earlier run
   * since `since` (ms): the `new-error` alert's content. In the order they first appeared in the run.
   */
  newErrorTitles(club: string, pipeline: string, runId: string, since: number): string[];
}

export function createAlertStore(db: Db): AlertStore {
  const client = db.$client;
  const getMemory = client.prepare('SELECT memory FROM alert_memory WHERE club_slug = ? AND pipeline = ?').pluck();
  const putMemory = client.prepare(
    `INSERT INTO alert_memory (club_slug, pipeline, memory) VALUES (?, ?, ?)
     ON CONFLICT (club_slug, pipeline) DO UPDATE SET memory = excluded.memory`,
  );
  const allMemory = client.prepare('SELECT club_slug AS club, pipeline, memory FROM alert_memory');
  const insertAlert = client.prepare(
    'INSERT INTO alert_outbox (alert_id, club_slug, pipeline, kind, payload, created) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertDelivery = client.prepare(
    `INSERT INTO alert_deliveries (alert_id, channel, status, attempts, next_attempt_at) VALUES (?, ?, 'pending', 0, ?)`,
  );
  const selectDue = client.prepare(
    `SELECT d.alert_id AS alertId, d.channel, d.status, d.attempts, d.next_attempt_at AS nextAttemptAt,
            d.last_error AS lastError, d.delivered_at AS deliveredAt, o.payload, o.created
       FROM alert_deliveries d JOIN alert_outbox o ON o.alert_id = d.alert_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ?`,
  );
  const selectNext = client
    .prepare(`SELECT MIN(next_attempt_at) FROM alert_deliveries WHERE status = 'pending'`)
    .pluck();
  const sent = client.prepare(
    `UPDATE alert_deliveries SET status = 'sent', attempts = attempts + 1, delivered_at = ?, last_error = NULL
      WHERE alert_id = ? AND channel = ?`,
  );
  const retry = client.prepare(
    `UPDATE alert_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
      WHERE alert_id = ? AND channel = ?`,
  );
  const failed = client.prepare(
    `UPDATE alert_deliveries SET status = 'failed', attempts = attempts + 1, last_error = ?
      WHERE alert_id = ? AND channel = ?`,
  );
  // SQLite's min() makes the bare `message` column come from the fingerprint's first row in the run.
  const runFingerprints = client.prepare(
    `SELECT fingerprint, message, min(id) AS first FROM run_errors WHERE run_id = ? GROUP BY fingerprint ORDER BY first`,
  );
  // One look-up per fingerprint through the (fingerprint, time) index: a run has a handful of distinct fingerprints,
  // its pipeline may have millions of errors. The unary `+` keeps SQLite off the (club, pipeline, time) index, which
  // it prefers without statistics and which would scan every error of the pipeline's 30 days for a fingerprint that
  // is new (the case that matters). `run_id < ?`: earlier runs only (ids grow with ingestion), so two overlapping
  // runs with the same new error don't each hide it from the other.
  const seenBefore = client.prepare(
    `SELECT 1 FROM run_errors WHERE fingerprint = ? AND time >= ? AND +club_slug = ? AND +pipeline = ? AND run_id < ?
      LIMIT 1`,
  );

  return {
    newErrorTitles(club, pipeline, runId, since) {
      const id = Number(runId);
      if (!Number.isSafeInteger(id)) return [];
      const rows = runFingerprints.all(id) as Array<{ fingerprint: string; message: string }>;
      return rows
        .filter((row) => seenBefore.get(row.fingerprint, since, club, pipeline, id) === undefined)
        .map((row) => row.message);
    },
    memory: (club, pipeline) => (getMemory.get(club, pipeline) as string | undefined) ?? null,
    saveMemory: (club, pipeline, memory) => void putMemory.run(club, pipeline, memory),
    allMemories: () => allMemory.all() as Array<{ club: string; pipeline: string; memory: string }>,
    enqueue(alert, now) {
      insertAlert.run(alert.alertId, alert.club, alert.pipeline, alert.kind, JSON.stringify(alert), now);
      for (const channel of new Set(alert.channels)) insertDelivery.run(alert.alertId, channel, now);
    },
    due(now, limit) {
      const rows = selectDue.all(now, limit) as Array<AlertDelivery & { payload: string; created: number }>;
      return rows.map(({ payload, ...row }) => ({ ...row, alert: JSON.parse(payload) as Alert }));
    },
    nextDueAt: () => (selectNext.get() as number | null | undefined) ?? null,
    markSent: (alertId, channel, at) => void sent.run(at, alertId, channel),
    markRetry: (alertId, channel, next, error) => void retry.run(next, error, alertId, channel),
    markFailed: (alertId, channel, error) => void failed.run(error, alertId, channel),
  };
}
