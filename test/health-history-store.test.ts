// Health history in the database: a state change and its history row commit together or not at all, retention
// bounds the history like the runs (keeping each pipeline's newest change), and a forgotten pipeline's history goes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthMonitor } from '../app/health-monitor.js';
import { createHealthStore } from '../ingest/health-store.js';
import { applyRetention } from '../ingest/store-retention.js';
import { openDb, type Db } from '../shared/db.js';

const DAY = 24 * 3600_000;
const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.$client.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDb(): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-health-history-'));
  dirs.push(dir);
  const db = openDb(join(dir, 'dashboard.sqlite'));
  dbs.push(db);
  return { db, dir };
}

function historyRows(db: Db): Array<{ pipeline: string; to_state: string; at: number }> {
  return db.$client.prepare('SELECT pipeline, to_state, at FROM pipeline_health_history ORDER BY id').all() as Array<{
    pipeline: string;
    to_state: string;
    at: number;
  }>;
}

const sources = {
  config: [
    {
      pipeline: 'beat',
      club: 'acme',
      schedule: '0 3 * * *',
      timezone: 'UTC',
      graceMs: 60_000,
      maxDurationMs: null,
      identifierFields: null,
      path: 'pipelines[0]',
    },
  ],
  crontab: [],
  defaultTimezone: 'UTC',
};

describe('health history storage', () => {
  it('writes the history row in the transaction of the state: a failure inside it leaves neither', () => {
    const { db } = tempDb();
    const logger = pino({ level: 'silent' });
    const failing = createHealthMonitor({
      store: createHealthStore(db),
      sources: () => sources,
      logger,
      now: () => Date.parse('2026-06-01T12:00:00Z'),
      inTransaction: () => {
        throw new Error('the alert outbox could not be written');
      },
    });
    expect(() => failing.start()).toThrow('the alert outbox could not be written');
    failing.stop();
    expect(db.$client.prepare('SELECT count(*) FROM pipeline_health').pluck().get()).toBe(0);
    expect(historyRows(db)).toEqual([]);

    const working = createHealthMonitor({
      store: createHealthStore(db),
      sources: () => sources,
      logger,
      now: () => Date.parse('2026-06-01T12:00:00Z'),
    });
    working.start();
    working.stop();
    expect(historyRows(db)).toEqual([{ pipeline: 'beat', to_state: 'ok', at: Date.parse('2026-06-01T12:00:00Z') }]);
  });

  it('retention deletes changes older than the cutoff but keeps each pipeline’s newest; remove() forgets all', () => {
    const { db, dir } = tempDb();
    const store = createHealthStore(db);
    const now = 200 * DAY;
    const change = (pipeline: string, state: 'ok' | 'late', at: number) =>
      store.appendHistory({ club: 'acme', pipeline }, null, { state, since: at, reason: state }, at);
    change('old-only', 'late', 1 * DAY);
    change('old-only', 'ok', 2 * DAY);
    change('mixed', 'late', 3 * DAY);
    change('mixed', 'ok', 150 * DAY);
    change('mixed', 'late', 199 * DAY);

    const result = applyRetention(db.$client, join(dir, 'runs'), now - 90 * DAY, false, () => undefined);
    expect(result.healthHistoryDeleted).toBe(2);
    expect(historyRows(db).map((r) => `${r.pipeline} ${r.to_state} ${r.at / DAY}`)).toEqual([
      'old-only ok 2',
      'mixed ok 150',
      'mixed late 199',
    ]);

    store.remove({ club: 'acme', pipeline: 'mixed' });
    expect(historyRows(db).map((r) => r.pipeline)).toEqual(['old-only']);
  });
});
