import { describe, expect, it } from 'vitest';
import { parseConfigFile, type PipelineScheduleConfig } from '../health/config-file.js';
import { parseCrontab } from '../health/crontab.js';
import { resolveHealthPolicy, type ScheduleSources } from '../health/resolve-schedule.js';

function configEntries(yaml: string): PipelineScheduleConfig[] {
  const result = parseConfigFile(yaml, { file: '/etc/runboard.yaml', env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config.pipelines;
}

const crontab = parseCrontab(
  [
    'CRON_TZ=America/New_York',
    '0 4 * * * rondo runboard exec --pipeline people --club rondo -- x',
    '0 5 * * * rondo runboard exec --pipeline people --club rondo -- y',
    '0 6 * * * rondo runboard exec --pipeline invoices -- z',
    'CRON_TZ=',
    '0 7 * * * rondo runboard exec --pipeline local --club rondo -- z',
  ].join('\n'),
  '/etc/cron.d/rondo',
).entries;

const config = configEntries(`
pipelines:
  - pipeline: people
    schedule: "0 3 * * *"
    timezone: Europe/Amsterdam
    grace: 15m
  - pipeline: people
    club: north
    maxDuration: 2h
  - pipeline: local
    timezone: Asia/Tokyo
`);

const sources: ScheduleSources = { config, crontab, defaultTimezone: 'UTC' };

describe('resolveHealthPolicy', () => {
  it('config first, with its grace; the crontab lines it outranks are listed', () => {
    const policy = resolveHealthPolicy({ club: 'rondo', pipeline: 'people' }, sources, {
      schedule: '0 8 * * *',
      timezone: null,
    });
    expect(policy.schedule).toMatchObject({
      expression: '0 3 * * *',
      timezone: 'Europe/Amsterdam',
      sourceKind: 'config',
      source: 'config',
    });
    expect(policy).toMatchObject({ graceMs: 900_000, maxDurationMs: null, configPath: 'pipelines[0]' });
    expect(policy.ignored).toEqual([
      '/etc/cron.d/rondo:2: "0 4 * * *" (config takes precedence)',
      '/etc/cron.d/rondo:3: "0 5 * * *" (config takes precedence)',
      'run: "0 8 * * *" (config takes precedence)',
    ]);
  });

  it('an entry naming the club replaces the every-club one as a whole', () => {
    const policy = resolveHealthPolicy({ club: 'north', pipeline: 'people' }, sources, null);
    expect(policy.schedule).toBeNull();
    expect(policy).toMatchObject({ graceMs: 300_000, maxDurationMs: 7_200_000, configPath: 'pipelines[1]' });
  });

  it('then the crontab, in its CRON_TZ; a line without --club is the default club', () => {
    const invoices = resolveHealthPolicy({ club: 'default', pipeline: 'invoices' }, sources, null);
    expect(invoices.schedule).toMatchObject({
      expression: '0 6 * * *',
      timezone: 'America/New_York',
      sourceKind: 'crontab',
      source: '/etc/cron.d/rondo:4',
    });
    expect(resolveHealthPolicy({ club: 'rondo', pipeline: 'invoices' }, sources, null).schedule).toBeNull();
  });

  it('a crontab line without a zone is read in the config entry zone, else the machine zone', () => {
    const local = resolveHealthPolicy({ club: 'rondo', pipeline: 'local' }, sources, null);
    expect(local.schedule).toMatchObject({ source: '/etc/cron.d/rondo:6', timezone: 'Asia/Tokyo' });
    const bare = resolveHealthPolicy(
      { club: 'rondo', pipeline: 'local' },
      { config: [], crontab, defaultTimezone: 'Europe/Lisbon' },
      null,
    );
    expect(bare.schedule?.timezone).toBe('Europe/Lisbon');
  });

  it('then the run, and an unusable run schedule is ignored with its reason', () => {
    const fromRun = resolveHealthPolicy({ club: 'x', pipeline: 'adhoc' }, sources, {
      schedule: '*/5 * * * * *',
      timezone: 'Europe/Amsterdam',
    });
    expect(fromRun.schedule).toMatchObject({ sourceKind: 'run', source: 'run', timezone: 'Europe/Amsterdam' });
    expect(fromRun.graceMs).toBe(300_000);
    const bad = resolveHealthPolicy({ club: 'x', pipeline: 'adhoc' }, sources, { schedule: 'often', timezone: null });
    expect(bad.schedule).toBeNull();
    expect(bad.ignored).toEqual([
      'run: "often" has 1 field; a schedule has 5 (minute hour day month weekday) or 6 (seconds first)',
    ]);
  });

  it('no source: no schedule, default grace', () => {
    expect(resolveHealthPolicy({ club: 'x', pipeline: 'unknown' }, sources, null)).toEqual({
      schedule: null,
      graceMs: 300_000,
      maxDurationMs: null,
      identifierFields: null,
      configPath: null,
      ignored: [],
    });
  });
});
