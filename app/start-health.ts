// Wires pipeline health and alerts for `runboard start`: the crontab sources, the health monitor (judged against
// the config file's pipelines and the crontabs), the alert outbox written in health's transaction, and the sender
// that drains it. Every config read goes through `fileConfig()` at use, so a reloaded file applies to what comes next.
import type { Logger } from 'pino';
import type { Db } from '../shared/db.js';
import type { RunboardFileConfig } from '../health/config-file.js';
import { machineTimezone } from '../health/schedule.js';
import { createHealthStore, type HealthStore } from '../ingest/health-store.js';
import { createAlertStore } from '../ingest/alert-store.js';
import { EMPTY_ALERTS, type AlertsConfig } from '../alerts/config.js';
import type { LiveHub } from '../server/live-hub.js';
import { createCrontabSources, type CrontabSources } from './crontab-sources.js';
import { createHealthMonitor, type HealthMonitor } from './health-monitor.js';
import { effectivePublicUrl } from './public-url.js';
import { alertOutboxWriter } from './alert-outbox-writer.js';
import { startAlertSender, type AlertSender } from './alert-sender.js';
import { alertReminders } from './alert-reminders.js';

export interface HealthWiringOptions {
  db: Db;
  hub: Pick<LiveHub, 'publishHealth'>;
  logger: Logger;
  /** The `--public-url` flag (wins over the config file's). */
  publicUrlFlag: string | null;
  /** The config file as loaded now (null: none). */
  fileConfig: () => RunboardFileConfig | null;
  crontabPollMs?: number;
}

export interface HealthWiring {
  crontabSources: CrontabSources;
  healthMonitor: HealthMonitor;
  healthStore: HealthStore;
  alertSender: AlertSender;
  alertsLogger: Logger;
  alertsConfig: () => AlertsConfig;
  publicUrl: () => string | null;
  alertDelivery: () => { alerts: AlertsConfig; publicUrl: string | null };
}

export async function startHealthAndAlerts(options: HealthWiringOptions): Promise<HealthWiring> {
  const { db, hub, logger, fileConfig } = options;
  const healthLogger = logger.child({ component: 'health' });
  // Set below; the crontab files are only watched once setFiles has named them, by then it is.
  let monitor: HealthMonitor | null = null;
  const crontabSources = createCrontabSources({
    pollMs: options.crontabPollMs,
    onChange: (file) => {
      healthLogger.info({ file }, 'crontab changed; schedules read again');
      monitor?.sourcesChanged();
    },
  });
  let alertSender: AlertSender | null = null;
  try {
    const defaultTimezone = machineTimezone();
    const alertStore = createAlertStore(db);
    const alertsConfig = () => fileConfig()?.alertsConfig ?? EMPTY_ALERTS;
    // Read at each use, so a reloaded config file's publicUrl applies to the next alert (the flag still wins).
    const publicUrl = () => effectivePublicUrl(options.publicUrlFlag, fileConfig()?.publicUrl);
    const alertDelivery = () => ({ alerts: alertsConfig(), publicUrl: publicUrl() });
    const healthStore = createHealthStore(db);
    const alertsLogger = logger.child({ component: 'alerts' });
    const sender = startAlertSender({
      store: alertStore,
      config: alertDelivery,
      logger: alertsLogger,
      beforeDrain: alertReminders({ store: alertStore, health: healthStore, alerts: alertsConfig }),
    });
    alertSender = sender;
    const healthMonitor = createHealthMonitor({
      inTransaction: alertOutboxWriter(alertStore, alertsConfig),
      committed: () => sender.wake(),
      store: healthStore,
      sources: () => ({
        config: fileConfig()?.pipelines ?? [],
        crontab: crontabSources.entries(),
        defaultTimezone,
      }),
      logger: healthLogger,
      publish: (changes) => hub.publishHealth(changes),
    });
    monitor = healthMonitor;
    crontabSources.setFiles(fileConfig()?.crontabs ?? []);
    for (const file of crontabSources.files()) {
      for (const problem of file.problems) healthLogger.warn({ file: file.file }, `crontab: ${problem}`);
    }
    return {
      crontabSources,
      healthMonitor,
      healthStore,
      alertSender: sender,
      alertsLogger,
      alertsConfig,
      publicUrl,
      alertDelivery,
    };
  } catch (error) {
    // What started so far stops here: the caller's shutdown never saw it.
    await alertSender?.stop();
    crontabSources.stop();
    throw error;
  }
}
