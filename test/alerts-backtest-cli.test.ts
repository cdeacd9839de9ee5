// `runboard alerts backtest` refuses what it cannot do with one line and exit 2, and never creates or changes a
// database: it opens an existing one read-only.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openDb } from '../shared/db.js';
import { killLeftovers, spawnTs } from './fixtures/logger-run-file.js';

const dirs: string[] = [];
afterEach(() => {
  killLeftovers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('refuses bad flags, a config without rules and a missing database with exit 2; reads a database unchanged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-backtest-cli-'));
  dirs.push(dir);
  const noRules = join(dir, 'no-rules.yaml');
  writeFileSync(noRules, 'pipelines:\n  - { pipeline: people, schedule: "0 3 * * *" }\n');
  const withRules = join(dir, 'rules.yaml');
  writeFileSync(
    withRules,
    `alerts:
  channels: [{ name: hook, type: webhook, url: "http://127.0.0.1:9/hook", secret: "\${NOT_SET_ANYWHERE}" }]
  rules: [{ channels: [hook], on: [failed] }]
`,
  );
  const db = join(dir, 'dashboard.sqlite');
  openDb(db).$client.close();
  const before = statSync(db).mtimeMs;
  const missing = join(dir, 'nothing-here.sqlite');
  const cli = (...args: string[]) => spawnTs('app/cli.ts', ['alerts', ...args]).finished;

  const [noSince, badSince, noSub, rulesMissing, dbMissing, empty] = await Promise.all([
    cli('backtest', '--config', withRules, '--db', db),
    cli('backtest', '--since', 'yesterday', '--config', withRules, '--db', db),
    cli('replay', '--since', '30d'),
    cli('backtest', '--since', '30d', '--config', noRules, '--db', db),
    cli('backtest', '--since', '30d', '--config', withRules, '--db', missing),
    cli('backtest', '--since', '30d', '--config', withRules, '--db', db),
  ]);
  expect([noSince.code, noSince.stderr.split('\n')[0]]).toEqual([
    2,
    'runboard alerts: --since is required (e.g. --since 30d)',
  ]);
  expect(badSince.code).toBe(2);
  expect(badSince.stderr).toContain('--since must be a duration');
  expect(noSub.code).toBe(2);
  expect(noSub.stderr).toContain('unknown subcommand "replay"');
  expect([rulesMissing.code, rulesMissing.stderr]).toEqual([
    2,
    `runboard alerts: ${noRules}: has no alerts.rules to backtest\n`,
  ]);
  expect([dbMissing.code, dbMissing.stderr]).toEqual([2, `runboard alerts: ${missing}: no such database file\n`]);
  expect(existsSync(missing)).toBe(false);
  // An empty history: nothing would have been sent; the secret was not needed; the file was only read.
  expect(empty.stderr).toBe('');
  expect(empty.code).toBe(0);
  expect(empty.stdout).toMatch(/^Alerts the config would have sent from .*: 0 pipelines, 1 rule\.\n0 alerts\.\n$/);
  expect(statSync(db).mtimeMs).toBe(before);
}, 60_000);
