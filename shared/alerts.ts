// Alerts as the store, the sender, the API and the browser see them. Types and a few constant lists only (no
// TypeBox: the API's shapes are in alerts-schemas.ts): the pure rules live in alerts/, so ingest/ and server/ can
// use these without importing alerts/.
import type { HealthState } from './health.js';

export const ALERT_KINDS = [
  'failed',
  'late',
  'missed',
  'stuck',
  'too-short',
  'unstable',
  'overlap',
  'recovered',
  'new-error',
  'flapping',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
/**
 * The kind of a test message (`POST /api/alerts/test`): never decided by a rule nor stored in the outbox, so no
 * rule can ask for it, but a receiver sees it in `kind` and can tell a test from a real alert.
 */
export const TEST_ALERT_KIND = 'test';
export type AlertMessageKind = AlertKind | typeof TEST_ALERT_KIND;

/** One alert, as decided and as stored in the outbox: every channel gets the same alertId. */
export interface Alert {
  /** Stable across retries and restarts: receivers drop repeats by it. */
  alertId: string;
  kind: AlertKind;
  club: string;
  pipeline: string;
  state: HealthState;
  previousState: HealthState | null;
  reason: string;
  runId: string | null;
  /** When the change that caused it was noticed (ms). */
  at: number;
  /** One line for a human: "rondo/people failed: exit code 1". */
  summary: string;
  /** A repeat of an unresolved alert (`remind:`). */
  reminder: boolean;
  /** Channel names to deliver to. */
  channels: string[];
}

/** What a channel is sent: an alert, or a test message (never stored in the outbox). */
export type AlertMessage = Omit<Alert, 'kind'> & { kind: AlertMessageKind };

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

/** One channel's delivery of one alert. */
export interface AlertDelivery {
  alertId: string;
  channel: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  deliveredAt: number | null;
}

// What the API serves (GET /api/alerts, GET /api/alerts/channels, POST /api/alerts/test) and the Alerts page reads:
// written once as TypeBox schemas in shared/alerts-schemas.ts, their types re-exported here.
export type {
  AlertChannelInfo,
  AlertChannelsResponse,
  AlertChannelView,
  AlertDeliveryView,
  AlertView,
  TestAlertOutcome,
} from './alerts-schemas.js';

/**
 * One channel's delivery of an alert, as the operator reads it: `pending` (not tried yet, or waiting without an
 * error), `delivered`, `failing` (tried and refused; retried with backoff), `given-up` (no more tries: 24 h passed
 * or the channel was removed from the config).
 */
export const DELIVERY_STATES = ['pending', 'delivered', 'failing', 'given-up'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const ALERT_CHANNEL_TYPES = ['webhook', 'slack', 'ntfy', 'email'] as const;
export type AlertChannelType = (typeof ALERT_CHANNEL_TYPES)[number];
