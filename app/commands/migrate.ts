// `runboard migrate`: applies pending migrations to dashboard.sqlite (the daemon also does this at start).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DB_FILE_ENV, DEFAULT_DB_FILE } from '../../shared/defaults.js';
import { appliedMigrations, migrationsFolder, openDb } from '../../shared/db.js';
import type { Command } from './command.js';

interface JournalEntry {
  tag: string;
  when: number;
}

export const command: Command = {
  name: 'migrate',
  usage: 'runboard migrate [--db PATH]',
  summary: 'Create dashboard.sqlite or bring its schema up to date, and print what was applied.',
  options: [['--db PATH', `database file (default $${DB_FILE_ENV} or ${DEFAULT_DB_FILE})`]],
  run(argv) {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: { db: { type: 'string' } }, strict: true }));
    } catch (error) {
      process.stderr.write(`runboard migrate: ${error instanceof Error ? error.message : String(error)}\n`);
      return Promise.resolve(2);
    }
    const file = resolve(values.db ?? (process.env[DB_FILE_ENV] || DEFAULT_DB_FILE));
    const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as {
      entries: JournalEntry[];
    };
    const before = appliedMigrations(file);
    const db = openDb(file);
    db.$client.close();
    const after = appliedMigrations(file);
    const applied = journal.entries.filter((entry) => after.has(entry.when) && !before.has(entry.when));
    const lines = applied.map((entry) => `  applied ${entry.tag}`);
    lines.push(
      applied.length === 0
        ? `${file}: already up to date (${after.size} migration${after.size === 1 ? '' : 's'} applied)`
        : `${file}: applied ${applied.length} migration${applied.length === 1 ? '' : 's'}, ${after.size} in total`,
    );
    process.stdout.write(lines.join('\n') + '\n');
    return Promise.resolve(0);
  },
};
