// The log search indexer on its own thread (issue 11 item 5), as `runboard start` runs it: pokes after commits
// are indexed in the search database beside the dashboard's, "caught up" covers everything committed before it
// was asked, deleted lines leave the index, and a stop ends the thread (a later "caught up" answers false).
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startLogSearchThread, type LogSearchThread } from '../ingest/log-search-thread.js';
import { searchDbFile } from '../shared/log-search-schema.js';
import { ingestRunsDir } from './helpers/seed-ingest.js';
import { recordRun, tempData, type TempData } from './helpers/seed-run-files.js';

let data: TempData | null = null;
let thread: LogSearchThread | null = null;
afterEach(async () => {
  await thread?.stop();
  thread = null;
  data?.cleanup();
  data = null;
});

async function writeRun(d: TempData, pipeline: string, lines: string[]): Promise<void> {
  await recordRun(d.runsDir, { club: 'c', pipeline }, (handle) => {
    for (const line of lines) handle.log.info(line);
  });
  await ingestRunsDir(d.db, d.runsDir);
}

function indexedRows(d: TempData, text: string): number {
  const search = new Database(searchDbFile(d.db.$client.name) as string, { readonly: true });
  try {
    const match = `"${text}"`;
    return search.prepare('SELECT count(*) FROM run_logs_fts WHERE run_logs_fts MATCH ?').pluck().get(match) as number;
  } finally {
    search.close();
  }
}

describe('the log search index thread', () => {
  it('indexes what was committed before each caught-up, takes deleted lines out, and stops', async () => {
    const d = (data = tempData());
    await writeRun(d, 'first', ['alpha one', 'alpha two']);
    const t = (thread = startLogSearchThread({
      dbFile: d.db.$client.name,
      logger: pino({ level: 'silent' }),
      pokeDelayMs: 5,
    }));
    expect(await t.caughtUp()).toBe(true);
    expect(indexedRows(d, 'alp')).toBe(2);
    const newest = d.db.$client.prepare('SELECT max(id) FROM run_logs').pluck().get() as number;
    expect(t.indexedUpto()).toBe(newest);

    await writeRun(d, 'second', ['bravo three']);
    t.poke();
    expect(await t.caughtUp()).toBe(true);
    expect(indexedRows(d, 'bra')).toBe(1);

    d.db.$client.prepare("DELETE FROM runs WHERE pipeline = 'first'").run();
    expect(await t.caughtUp()).toBe(true);
    expect(indexedRows(d, 'alp')).toBe(0);
    expect(indexedRows(d, 'bra')).toBe(1);
    expect(d.db.$client.prepare('SELECT count(*) FROM log_search_deleted').pluck().get()).toBe(0);

    await t.stop();
    expect(await t.caughtUp()).toBe(false);
  });
});
