// Alerts as the store, the sender, the API and the browser see them. Types only: the pure rules live in alerts/,
// so ingest/ and server/ can use these without importing alerts/.
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
