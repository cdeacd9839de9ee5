// Migrations: an empty file becomes the full schema (matching shared/schema.ts column for column), applying them
// again changes nothing and keeps data, every connection gets its pragmas, and `runboard migrate` says what it did.
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrationsFolder, openDb } from '../shared/db.js';
import * as schema from '../shared/schema.js';
import { killLeftovers, spawnTs } from './fixtures/logger-run-file.js';

const dir = mkdtempSync(join(tmpdir(), 'runboard-migrate-'));
afterEach(killLeftovers);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tables: SQLiteTable[] = [
  schema.runs,
  schema.runSteps,
  schema.runErrors,
  schema.runLogs,
  schema.ingestFiles,
  schema.ingestRejects,
  schema.sessions,
  schema.pipelineHealth,
  schema.pipelineHealthHistory,
];
const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as {
  entries: Array<{ tag: string }>;
};

function schemaSql(file: string): string[] {
  const db = openDb(file, { migrate: false });
  try {
    return (
      db.$client.prepare('SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name').all() as Array<{
        sql: string;
      }>
    ).map((row) => row.sql);
  } finally {
    db.$client.close();
  }
}

describe('migrations', () => {
  it('create the whole schema in an empty file, as shared/schema.ts describes it', () => {
    const file = join(dir, 'empty.sqlite');
    writeFileSync(file, '');
    const db = openDb(file);
    const client = db.$client;
    for (const table of tables) {
      const config = getTableConfig(table);
      const columns = (client.prepare(`PRAGMA table_info(${config.name})`).all() as Array<{ name: string }>).map(
        (column) => column.name,
      );
      expect(columns.sort(), config.name).toEqual(config.columns.map((column) => column.name).sort());
      const indexes = (client.prepare(`PRAGMA index_list(${config.name})`).all() as Array<{ name: string }>).map(
        (index) => index.name,
      );
      for (const index of config.indexes) expect(indexes, config.name).toContain(index.config.name);
    }
    // club_slug on every run-derived table.
    for (const table of ['runs', 'run_steps', 'run_errors']) {
      const columns = client.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
      expect(columns.map((column) => column.name)).toContain('club_slug');
    }
    const applied = client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    expect(applied.n).toBe(journal.entries.length);
    expect(client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(client.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(client.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    client.close();
  });

  it('are idempotent: applying them again changes nothing and keeps the data', () => {
    const file = join(dir, 'again.sqlite');
    const db = openDb(file);
    db.$client
      .prepare("INSERT INTO runs (run_key, club_slug, pipeline, status) VALUES ('r1', 'rondo', 'people', 'success')")
      .run();
    db.$client.close();
    const before = schemaSql(file);
    for (let i = 0; i < 2; i++) openDb(file).$client.close();
    expect(schemaSql(file)).toEqual(before);
    const reopened = openDb(file);
    expect(reopened.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get()).toEqual({
      n: journal.entries.length,
    });
    expect(reopened.$client.prepare('SELECT run_key, status FROM runs').all()).toEqual([
      { run_key: 'r1', status: 'success' },
    ]);
    // Foreign keys are enforced on every connection.
    expect(() =>
      reopened.$client.prepare("INSERT INTO run_steps (run_id, name, club_slug, seq) VALUES (999, 's', 'c', 0)").run(),
    ).toThrow(/FOREIGN KEY/);
    reopened.$client.close();
  });

  it('`runboard migrate` applies them to a new file and then reports it up to date', async () => {
    const file = join(dir, 'cli', 'dashboard.sqlite');
    const first = await spawnTs('app/cli.ts', ['migrate', '--db', file]).finished;
    expect(first.code).toBe(0);
    for (const entry of journal.entries) expect(first.stdout).toContain(`applied ${entry.tag}`);
    expect(first.stdout).toContain(`applied ${journal.entries.length} migration`);
    const second = await spawnTs('app/cli.ts', ['migrate'], { RUNBOARD_DB: file }).finished;
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('already up to date');
    expect(second.stdout).not.toContain('applied 0');
    const bad = await spawnTs('app/cli.ts', ['migrate', '--nope']).finished;
    expect(bad.code).toBe(2);
  });
});
