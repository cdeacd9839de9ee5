// Delivers the alert outbox: due deliveries are sent over their channel's real protocol (fetch for webhook, Slack
// and ntfy; nodemailer for email); a failure is retried with exponential backoff, and after 24 h the delivery is
// marked failed with its last error (logged, and kept for the API) instead of being retried forever.
import type { Logger } from 'pino';
import { createTransport } from 'nodemailer';
import type { AlertChannel, AlertsConfig } from '../alerts/config.js';
import { emailMessage, ntfyRequest, slackRequest, webhookRequest, type HttpRequestSpec } from '../alerts/payloads.js';
import type { AlertStore, DueDelivery } from '../ingest/alert-store.js';
import type { AlertMessage } from '../shared/alerts.js';

export const GIVE_UP_AFTER_MS = 24 * 3_600_000;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30 * 60_000;
const BATCH = 20;
const REQUEST_TIMEOUT_MS = 10_000;

export interface AlertSenderOptions {
  store: AlertStore;
  config: () => { alerts: AlertsConfig; publicUrl: string | null };
  logger: Logger;
  now?: () => number;
  /**
   * Work on the sender's clock (the reminders): called before each pass over the outbox, so what it enqueues goes
   * out in that pass; returns when it wants to run again (null: only when woken).
   */
  beforeDrain?: () => number | null;
}

export interface AlertSender {
  /** New outbox rows were committed: look now rather than at the next timer. */
  wake(): void;
  stop(): Promise<void>;
}

/** 1 s, 2 s, 4 s … capped at 30 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * An error as a delivery's last error: its message and its causes' (Node's fetch says only "fetch failed"; the
 * operator needs the "connect ECONNREFUSED 127.0.0.1:9" under it).
 */
export function deliveryErrorText(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : textOf(current);
    if (message !== '' && !parts.includes(message)) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}

/** A thrown non-Error as text, never throwing itself (a cycle, a BigInt). */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

export async function deliver(alert: AlertMessage, channel: AlertChannel, publicUrl: string | null): Promise<void> {
  if (channel.type === 'email') {
    const mail = emailMessage(alert, channel, publicUrl);
    const transport = createTransport(channel.smtp);
    try {
      await transport.sendMail(mail);
    } finally {
      transport.close();
    }
    return;
  }
  const spec: HttpRequestSpec =
    channel.type === 'webhook'
      ? webhookRequest(alert, channel, publicUrl)
      : channel.type === 'slack'
        ? slackRequest(alert, channel, publicUrl)
        : ntfyRequest(alert, channel, publicUrl);
  const response = await fetch(spec.url, {
    method: 'POST',
    headers: spec.headers,
    body: spec.body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
}

export function startAlertSender(options: AlertSenderOptions): AlertSender {
  const { store, logger } = options;
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let beforeDrainAt: number | null = null;

  async function attempt(item: DueDelivery): Promise<void> {
    const { alerts, publicUrl } = options.config();
    const channel = alerts.channels.find((c) => c.name === item.channel);
    if (!channel) {
      store.markFailed(item.alertId, item.channel, `channel ${item.channel} is no longer configured`);
      logger.error({ alertId: item.alertId, channel: item.channel }, 'alert not delivered: channel removed');
      return;
    }
    try {
      await deliver(item.alert, channel, publicUrl);
      store.markSent(item.alertId, item.channel, now());
      logger.info({ alertId: item.alertId, channel: item.channel, kind: item.alert.kind }, 'alert delivered');
    } catch (error) {
      const message = deliveryErrorText(error);
      const at = now();
      if (at - item.created >= GIVE_UP_AFTER_MS) {
        store.markFailed(item.alertId, item.channel, `gave up after 24 h: ${message}`);
        logger.error(
          { alertId: item.alertId, channel: item.channel, err: message },
          'alert delivery gave up after 24 h',
        );
      } else {
        store.markRetry(item.alertId, item.channel, at + retryDelayMs(item.attempts + 1), message);
        logger.warn(
          { alertId: item.alertId, channel: item.channel, err: message },
          'alert delivery failed; will retry',
        );
      }
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      if (options.beforeDrain) {
        try {
          beforeDrainAt = options.beforeDrain();
        } catch (error) {
          // Retried on the next pass; deliveries already in the outbox must not wait for it.
          beforeDrainAt = null;
          logger.error({ err: error }, 'alert reminders failed');
        }
      }
      for (;;) {
        if (stopped) return;
        const due = store.due(now(), BATCH);
        if (due.length === 0) break;
        await Promise.all(due.map(attempt));
      }
    } while (again);
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error: unknown) => logger.error({ err: error }, 'alert sender failed'))
      .finally(() => {
        running = null;
        schedule();
      });
  }

  function schedule(): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    let next: number | null = null;
    try {
      next = store.nextDueAt();
    } catch (error) {
      logger.error({ err: error }, 'alert sender could not read the outbox');
    }
    if (beforeDrainAt !== null) next = next === null ? beforeDrainAt : Math.min(next, beforeDrainAt);
    const wait = next === null ? 60_000 : Math.min(60_000, Math.max(0, next - now()));
    timer = setTimeout(run, wait + 1);
    timer.unref();
  }

  run();
  return {
    wake: run,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
