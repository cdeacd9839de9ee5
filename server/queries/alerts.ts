// The alert outbox as the operator reads it: alerts newest first (keyset pages) with each channel's delivery, and
// per channel the state of its deliveries. Read-only, on a query worker's connection; the outbox is written by
// the health shell and the sender (ingest/alert-store.ts).
import { ALERT_KINDS, type AlertDeliveryView, type AlertKind, type AlertView } from '../../shared/alerts.js';
import type { AlertDelivery } from '../../shared/alerts.js';
import type { Db } from '../../shared/db.js';
import { Conditions } from './conditions.js';
import { decodeIntegerCursor, encodeCursor } from './cursor.js';
import type { RowPage } from './runs.js';
import { statement } from './statements.js';

const ALERTS_CURSOR = 'alerts';

export interface AlertFilter {
  club?: string | undefined;
  pipeline?: string | undefined;
  kind?: AlertKind | undefined;
}

interface OutboxRow {
  rowid: number;
  alertId: string;
  club: string;
  pipeline: string;
  kind: string;
  payload: string;
  created: number;
}

/** A delivery row as stored: the shared contract's shape. */
type DeliveryRow = AlertDelivery;

/** The stored status in the operator's words: a pending delivery that has been refused is `failing`. */
export function deliveryView(row: Omit<DeliveryRow, 'alertId'>): AlertDeliveryView {
  const status =
    row.status === 'sent'
      ? 'delivered'
      : row.status === 'failed'
        ? 'given-up'
        : row.lastError !== null
          ? 'failing'
          : 'pending';
  return {
    channel: row.channel,
    status,
    attempts: row.attempts,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
  };
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/**
 * The item from its outbox row. The payload is the whole Alert as the health shell wrote it; a field that is
 * missing or of another type (an older or damaged row) falls back to what the row's own columns say, so one odd
 * row never fails the page.
 */
export function alertView(row: OutboxRow, deliveries: AlertDeliveryView[]): AlertView {
  let payload: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.payload);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) payload = parsed as typeof payload;
  } catch {
    // keep the columns
  }
  const runId = typeof payload.runId === 'string' && /^\d{1,15}$/.test(payload.runId) ? Number(payload.runId) : null;
  const kind = (ALERT_KINDS as readonly string[]).includes(row.kind) ? (row.kind as AlertKind) : 'failed';
  return {
    alertId: row.alertId,
    kind,
    club: row.club,
    pipeline: row.pipeline,
    state: text(payload.state, 'unknown'),
    previousState: typeof payload.previousState === 'string' ? payload.previousState : null,
    reason: text(payload.reason, ''),
    summary: text(payload.summary, `${row.club}/${row.pipeline}: ${row.kind}`),
    runId,
    reminder: payload.reminder === true,
    created: row.created,
    deliveries,
  };
}

/** Newest first; the key is (created, rowid) so alerts written in the same millisecond page in a stable order. */
export function listAlerts(db: Db, filter: AlertFilter, cursor: string | undefined, limit: number): RowPage<AlertView> {
  const conditions = new Conditions();
  conditions.addIf('club_slug = ?', filter.club);
  conditions.addIf('pipeline = ?', filter.pipeline);
  conditions.addIf('kind = ?', filter.kind);
  if (cursor !== undefined) {
    const [created, rowid] = decodeIntegerCursor(cursor, ALERTS_CURSOR, 2) as [number, number];
    conditions.add('(created < ? OR (created = ? AND rowid < ?))', created, created, rowid);
  }
  const client = db.$client;
  const rows = statement(
    client,
    `SELECT rowid, alert_id AS alertId, club_slug AS club, pipeline, kind, payload, created
       FROM alert_outbox ${conditions.where()} ORDER BY created DESC, rowid DESC LIMIT ?`,
  ).all(...conditions.params, limit + 1) as OutboxRow[];
  const more = rows.length > limit;
  if (more) rows.length = limit;
  const byAlert = new Map<string, AlertDeliveryView[]>();
  if (rows.length > 0) {
    const deliveries = statement(
      client,
      `SELECT alert_id AS alertId, channel, status, attempts, next_attempt_at AS nextAttemptAt,
              last_error AS lastError, delivered_at AS deliveredAt
         FROM alert_deliveries WHERE alert_id IN (SELECT value FROM json_each(?)) ORDER BY channel`,
    ).all(JSON.stringify(rows.map((r) => r.alertId))) as DeliveryRow[];
    for (const { alertId, ...delivery } of deliveries) {
      let list = byAlert.get(alertId);
      if (!list) byAlert.set(alertId, (list = []));
      list.push(deliveryView(delivery));
    }
  }
  const items = rows.map((row) => alertView(row, byAlert.get(row.alertId) ?? []));
  const last = rows.at(-1);
  return {
    rows: items,
    nextCursor: more && last ? encodeCursor(ALERTS_CURSOR, [last.created, last.rowid]) : null,
  };
}

/** Per channel name found in the outbox, what its deliveries say. */
export interface ChannelDeliveryStats {
  channel: string;
  lastDeliveredAt: number | null;
  lastError: string | null;
  failingSince: number | null;
  pending: number;
  givenUp: number;
}

/**
 * A channel is failing while the alerts written since its last delivered one include a refused one (retrying, or
 * given up): `failingSince` is when the oldest of those was written. An old given-up alert followed by a delivered
 * one is history, not a failing channel. `lastError` is the newest error of a delivery not (yet) delivered.
 */
export function alertChannelStats(db: Db): ChannelDeliveryStats[] {
  return statement(
    db.$client,
    `WITH d AS (
       SELECT d.channel, d.status, d.last_error, d.delivered_at, o.created, o.rowid AS seq
         FROM alert_deliveries d JOIN alert_outbox o ON o.alert_id = d.alert_id
     ),
     delivered AS (
       SELECT channel, MAX(created) AS lastCreated, MAX(delivered_at) AS lastAt FROM d WHERE status = 'sent'
        GROUP BY channel
     ),
     refused AS (
       SELECT channel, last_error, created,
              ROW_NUMBER() OVER (PARTITION BY channel ORDER BY created DESC, seq DESC) AS newest
         FROM d WHERE status != 'sent' AND last_error IS NOT NULL
     )
     SELECT c.channel,
            delivered.lastAt AS lastDeliveredAt,
            (SELECT last_error FROM refused r WHERE r.channel = c.channel AND r.newest = 1) AS lastError,
            (SELECT MIN(created) FROM refused r
              WHERE r.channel = c.channel AND r.created > COALESCE(delivered.lastCreated, -1)) AS failingSince,
            c.pending, c.givenUp
       FROM (SELECT channel, SUM(status = 'pending') AS pending, SUM(status = 'failed') AS givenUp FROM d
              GROUP BY channel) c
       LEFT JOIN delivered ON delivered.channel = c.channel
      ORDER BY c.channel`,
  ).all() as ChannelDeliveryStats[];
}
