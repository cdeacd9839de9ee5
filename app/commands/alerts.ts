// `runboard alerts backtest`: replays the stored run history through the health judge and the alert rules of a
// config file and prints the alerts they would have sent, so rules can be tuned before they are switched on.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { machineTimezone } from '../../health/schedule.js';
import { runAlertsBacktest } from '../alerts-backtest.js';
import { backtestJson, backtestText } from '../alerts-backtest-format.js';
import { parseSince } from '../tail/args.js';
import type { Command } from './command.js';
import { DB_FILE_ENV, DEFAULT_DB_FILE } from '../../shared/defaults.js';

const CONFIG_ENV = 'RUNBOARD_CONFIG';

export const command: Command = {
  name: 'alerts',
  usage: 'runboard alerts backtest --since 30d [--config FILE] [--db PATH] [--json]',
  summary:
    "Replay the stored run history through the health rules and the config's alert rules, and print the alerts " +
    'they would have sent (time, kind, pipeline, channels, reason). Reads the database read-only; sends nothing.',
  options: [
    ['--since D', 'replay this last period (30s, 10m, 2h, 30d) or since an ISO date, up to now'],
    ['--config FILE', 'the config whose rules to try (default $RUNBOARD_CONFIG); secrets need not be set'],
    ['--db PATH', 'database file (default $RUNBOARD_DB or ./data/dashboard.sqlite)'],
    ['--json', 'print one JSON document: the alerts with their times, and the alerts already open at the start'],
  ],
  run(argv) {
    const fail = (problem: string): Promise<number> => {
      process.stderr.write(`runboard alerts: ${problem}\nUsage: ${command.usage}\n`);
      return Promise.resolve(2);
    };
    const [sub, ...rest] = argv;
    if (sub !== 'backtest') return fail(sub === undefined ? 'needs a subcommand' : `unknown subcommand "${sub}"`);
    let values;
    try {
      ({ values } = parseArgs({
        args: rest,
        options: {
          since: { type: 'string' },
          config: { type: 'string' },
          db: { type: 'string' },
          json: { type: 'boolean' },
        },
        strict: true,
      }));
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
    const until = Date.now();
    if (values.since === undefined) return fail('--since is required (e.g. --since 30d)');
    const since = parseSince(values.since, until);
    if (since === null) return fail('--since must be a duration (30s, 10m, 2h, 30d) or an ISO date');
    if (since >= until) return fail('--since must be in the past');
    const configFile = values.config ?? (process.env[CONFIG_ENV] || undefined);
    if (configFile === undefined) return fail(`needs --config FILE (or ${CONFIG_ENV})`);

    const outcome = runAlertsBacktest({
      configFile: resolve(configFile),
      dbFile: resolve(values.db ?? (process.env[DB_FILE_ENV] || DEFAULT_DB_FILE)),
      since,
      until,
      env: process.env,
    });
    if (!outcome.ok) {
      for (const problem of outcome.problems) process.stderr.write(`runboard alerts: ${problem}\n`);
      return Promise.resolve(2);
    }
    const window = { since, until, timezone: machineTimezone() };
    process.stdout.write(
      values.json ? `${backtestJson(outcome.report, window)}\n` : backtestText(outcome.report, window),
    );
    return Promise.resolve(0);
  },
};
