// The I/O around the pure replay (health/replay.ts): the config file as `runboard start` reads it, its crontabs,
// and the run history from the database opened read-only, so a backtest can run beside the live daemon and can
// never change what it reads.
import { existsSync } from 'node:fs';
import type { AlertRule } from '../alerts/config.js';
import { replayAlerts, DECLARED_LOOK_BACK, NEW_ERROR_LOOK_BACK_MS, RUNS_JUDGED } from '../health/replay.js';
import type { ReplayResult } from '../health/replay.js';
import { machineTimezone } from '../health/schedule.js';
import { readRunHistory, tableExists } from '../ingest/run-history-store.js';
import { openDb } from '../shared/db.js';
import { loadConfigFile } from './config-file-load.js';
import { readCrontabFile } from './crontab-sources.js';

export interface BacktestRequest {
  configFile: string;
  dbFile: string;
  since: number;
  until: number;
  env: Readonly<Record<string, string | undefined>>;
}

export interface BacktestReport extends ReplayResult {
  rules: readonly AlertRule[];
  /** Problems reading a listed crontab: its schedules are missing from the replay. */
  warnings: string[];
}

export type BacktestOutcome = { ok: true; report: BacktestReport } | { ok: false; problems: string[] };

/** Sending needs the secrets, replaying doesn't: a `${VAR}` that is not set reads as this, so no secret is needed. */
const UNSET_PLACEHOLDER = 'unset-in-backtest';

export function runAlertsBacktest(request: BacktestRequest): BacktestOutcome {
  const env = new Proxy(request.env, {
    get: (target, name) => (typeof name === 'string' ? (target[name] ?? UNSET_PLACEHOLDER) : undefined),
  });
  const loaded = loadConfigFile(request.configFile, env);
  if (!loaded.ok) return loaded;
  const { config } = loaded;
  if (config.alertsConfig.rules.length === 0) {
    return { ok: false, problems: [`${request.configFile}: has no alerts.rules to backtest`] };
  }
  if (!existsSync(request.dbFile)) return { ok: false, problems: [`${request.dbFile}: no such database file`] };

  const warnings: string[] = [];
  const crontab = config.crontabs.flatMap((file) => {
    const read = readCrontabFile(file);
    warnings.push(...read.status.problems);
    return read.entries;
  });
  let db;
  try {
    db = openDb(request.dbFile, { readonly: true, migrate: false });
  } catch (error) {
    return { ok: false, problems: [`${request.dbFile}: cannot open: ${(error as Error).message}`] };
  }
  try {
    for (const table of ['runs', 'run_logs', 'run_errors']) {
      if (!tableExists(db, table)) {
        return { ok: false, problems: [`${request.dbFile}: has no ${table} table (not a runboard database?)`] };
      }
    }
    const histories = readRunHistory(db, {
      since: request.since,
      runsBefore: Math.max(RUNS_JUDGED, DECLARED_LOOK_BACK),
      errorsSince: request.since - NEW_ERROR_LOOK_BACK_MS,
    });
    const result = replayAlerts({
      histories,
      sources: { config: config.pipelines, crontab, defaultTimezone: machineTimezone() },
      rules: config.alertsConfig.rules,
      since: request.since,
      until: request.until,
    });
    return { ok: true, report: { ...result, rules: config.alertsConfig.rules, warnings } };
  } finally {
    db.$client.close();
  }
}
