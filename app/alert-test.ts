// The Alerts page's "send test alert": one message of kind `test` through one channel now, over the same code as
// real alerts (app/alert-sender.ts deliver), answered with what happened. Not written to the outbox: a test is not
// retried and is no pipeline's history; the outcome goes back to whoever asked, and to the log.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AlertsConfig } from '../alerts/config.js';
import { TEST_ALERT_KIND, type AlertMessage, type TestAlertOutcome } from '../shared/alerts.js';
import { deliver, deliveryErrorText } from './alert-sender.js';

/** An operator waits for the answer: a channel that says nothing within this long has failed the test. */
export const TEST_TIMEOUT_MS = 15_000;

export interface TestAlertOptions {
  config: () => { alerts: AlertsConfig; publicUrl: string | null };
  logger: Logger;
  now?: () => number;
  timeoutMs?: number;
}

export function testAlertMessage(channel: string, at: number): AlertMessage {
  return {
    alertId: `test-${randomUUID()}`,
    kind: TEST_ALERT_KIND,
    club: 'runboard',
    pipeline: 'test-alert',
    state: 'ok',
    previousState: null,
    reason: `A test sent from runboard's Alerts page through channel ${channel}. No pipeline changed state.`,
    runId: null,
    at,
    summary: `TEST: runboard test alert through ${channel}; nothing is wrong`,
    reminder: false,
    channels: [channel],
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createTestAlertSender(options: TestAlertOptions): (channel: string) => Promise<TestAlertOutcome> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? TEST_TIMEOUT_MS;
  return async (name) => {
    const { alerts, publicUrl } = options.config();
    const channel = alerts.channels.find((c) => c.name === name);
    if (!channel) return { channel: name, ok: false, at: now(), error: `no alert channel named ${name}` };
    const message = testAlertMessage(name, now());
    try {
      await withTimeout(deliver(message, channel, publicUrl), timeoutMs);
      options.logger.info({ channel: name, alertId: message.alertId }, 'test alert delivered');
      return { channel: name, ok: true, at: now(), error: null };
    } catch (error) {
      const reason = deliveryErrorText(error);
      options.logger.warn({ channel: name, alertId: message.alertId, err: reason }, 'test alert not delivered');
      return { channel: name, ok: false, at: now(), error: reason };
    }
  };
}
