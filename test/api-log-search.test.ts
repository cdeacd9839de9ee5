// `q=` through the trigram index (issue 11 item 5): the same answers as the substring scan it replaces, lines
// the index has not reached yet still found, the index rebuilt when it is dropped.
//
// That a search used the index is shown by behaviour, not timing: with a row budget far below the run's size a
// scan is refused (422) while an indexed search, which only looks at the lines that hold the text, is served.
import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLineView, LogsResponse, Page, RunView } from '../shared/api.js';
import { createLogSearchIndexer } from '../ingest/log-search-store.js';
import { searchDbFile } from '../shared/log-search-schema.js';
import type { QueryPoolOptions } from '../server/query-pool/pool.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';
import type { RunHandle } from '../shared/run-logger.js';

const LINES = 2_000;
/** Far below LINES: only an indexed search fits. */
const ROW_BUDGET = 200;

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serverWithRun(queryPool: Omit<QueryPoolOptions, 'dbFile'> = {}) {
  const server = await testServer({ queryPool });
  servers.push(server);
  let run: RunHandle | undefined;
  await recordRun(server.runsDir, { club: 'c', pipeline: 'p' }, (handle) => {
    run = handle;
    for (let i = 0; i < LINES; i++) {
      if (i % 500 === 7) handle.log.warn({ memberId: `KNVB-${i}` }, `Rate LIMITED by laposta #${i}`);
      else handle.log.info({ page: i }, `fetched page #${i}`);
    }
    return 'leave-running';
  });
  await server.ingest();
  const runId = (await server.app.inject({ url: '/api/runs' })).json<Page<RunView>>().items[0]?.id as number;
  const search = async (q: string, expectStatus = 200): Promise<LogLineView[]> => {
    const res = await server.app.inject({ url: `/api/runs/${runId}/logs?limit=2000&q=${encodeURIComponent(q)}` });
    expect(res.statusCode, res.body).toBe(expectStatus);
    return res.statusCode === 200 ? res.json<LogsResponse>().lines : [];
  };
  return { server, runId, run: run as RunHandle, search };
}

const numbers = (lines: LogLineView[]) => lines.map((l) => Number(/#(\d+)/.exec(l.msg ?? '')?.[1] ?? -1));

describe('log search through the trigram index', () => {
  it('answers exactly what the substring scan answered', async () => {
    const { server, search } = await serverWithRun();
    const queries = ['rate limited', 'LAPOSTA #1', 'knvb-1507', '"memberId"', 'page #19', '#7', 'a', 'no such text'];
    const scanned = [];
    for (const q of queries) scanned.push(await search(q));
    createLogSearchIndexer(server.db.$client).catchUp();
    for (const [i, q] of queries.entries()) expect(await search(q), q).toEqual(scanned[i]);
    expect(numbers(scanned[0] ?? [])).toEqual([7, 507, 1007, 1507]);
  });

  it('finds lines through the index and the lines just behind it by scan', async () => {
    const { server, run, search } = await serverWithRun({ maxRowsExamined: ROW_BUDGET });
    // Without the index the search must scan all the run's lines: over the budget.
    await search('rate limited', 422);
    const indexer = createLogSearchIndexer(server.db.$client);
    indexer.catchUp();
    expect(numbers(await search('rate limited'))).toEqual([7, 507, 1007, 1507]);

    // New lines, committed but not indexed yet: found by the tail scan, after the indexed ones.
    run.log.warn({}, 'Rate limited again #5000');
    await run.end({});
    await server.ingest();
    expect(indexer.lag()).toBeGreaterThan(0);
    expect(numbers(await search('rate limited'))).toEqual([7, 507, 1007, 1507, 5000]);
    indexer.catchUp();
    expect(indexer.lag()).toBe(0);
    expect(numbers(await search('rate limited'))).toEqual([7, 507, 1007, 1507, 5000]);
  });

  it('pages a search newest first and back without gaps', async () => {
    const { server, runId } = await serverWithRun({ maxRowsExamined: ROW_BUDGET });
    createLogSearchIndexer(server.db.$client).catchUp();
    const page = async (query: string) => {
      const res = await server.app.inject({ url: `/api/runs/${runId}/logs?q=laposta&limit=3${query}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<LogsResponse>();
    };
    const newest = await page('');
    expect(numbers(newest.lines)).toEqual([507, 1007, 1507]);
    expect(newest.hasOlder).toBe(true);
    const older = await page(`&before=${newest.lines[0]?.offset}`);
    expect(numbers(older.lines)).toEqual([7]);
    expect([older.hasOlder, older.hasNewer]).toEqual([false, true]);
    const newer = await page(`&after=${older.lines[0]?.offset}`);
    expect(numbers(newer.lines)).toEqual([507, 1007, 1507]);
    expect([newer.hasOlder, newer.hasNewer]).toEqual([true, false]);
  });

  it('rebuilds the index when its file is deleted or its table dropped, and searches meanwhile still answer', async () => {
    const { server, search } = await serverWithRun();
    const file = searchDbFile(server.db.$client.name) as string;
    const indexer = createLogSearchIndexer(server.db.$client);
    indexer.catchUp();
    expect(indexer.indexedUpto()).toBeGreaterThan(0);
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    expect(numbers(await search('rate limited'))).toEqual([7, 507, 1007, 1507]);
    expect(indexer.lag()).toBeGreaterThan(0);
    indexer.catchUp();
    expect(indexer.lag()).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(numbers(await search('rate limited'))).toEqual([7, 507, 1007, 1507]);

    const budgeted = await serverWithRun({ maxRowsExamined: ROW_BUDGET });
    const budgetedIndexer = createLogSearchIndexer(budgeted.server.db.$client);
    budgetedIndexer.catchUp();
    expect(numbers(await budgeted.search('rate limited'))).toEqual([7, 507, 1007, 1507]);
    const searchDb = new Database(searchDbFile(budgeted.server.db.$client.name) as string);
    searchDb.exec('DROP TABLE run_logs_fts');
    searchDb.close();
    // No index: a scan, over the budget.
    await budgeted.search('rate limited', 422);
    budgetedIndexer.catchUp();
    expect(numbers(await budgeted.search('rate limited'))).toEqual([7, 507, 1007, 1507]);
    indexer.close();
    budgetedIndexer.close();
  });

  it('takes deleted lines out of the index', async () => {
    const { server, runId } = await serverWithRun();
    const indexer = createLogSearchIndexer(server.db.$client);
    indexer.catchUp();
    const client = server.db.$client;
    const searchDb = new Database(searchDbFile(client.name) as string, { readonly: true });
    const indexed = () =>
      searchDb.prepare('SELECT count(*) FROM run_logs_fts WHERE run_logs_fts MATCH \'"lim" AND "ted"\'').pluck().get();
    expect(indexed()).toBe(4);
    const lines = client.prepare('SELECT count(*) FROM run_logs WHERE run_id = ?').pluck().get(runId);
    client.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    expect(client.prepare('SELECT count(*) FROM log_search_deleted').pluck().get()).toBe(lines);
    indexer.catchUp();
    expect(indexed()).toBe(0);
    expect(client.prepare('SELECT count(*) FROM log_search_deleted').pluck().get()).toBe(0);
    searchDb.close();
    indexer.close();
  });

  it('indexes every row once when a chunk runs past the claim (the claim is extended and reading goes on)', async () => {
    const { server, search } = await serverWithRun({ maxRowsExamined: ROW_BUDGET });
    const client = server.db.$client;
    const newest = client.prepare('SELECT max(id) FROM run_logs').pluck().get() as number;
    // A claim that ends inside the rows: the first read stops there, the rest must follow in the same chunk.
    client.prepare('UPDATE log_search_claim SET claimed_upto = ?').run(newest - 700);
    const indexer = createLogSearchIndexer(client, { chunkRows: 5_000 });
    expect(indexer.step()).toBe(newest);
    expect(indexer.lag()).toBe(0);
    expect(client.prepare('SELECT claimed_upto FROM log_search_claim').pluck().get()).toBeGreaterThanOrEqual(newest);
    expect(numbers(await search('rate limited'))).toEqual([7, 507, 1007, 1507]);
    indexer.close();
  });
});

describe('bulk indexing of a backlog', () => {
  it('writes full chunks without merging, merges once caught up, and answers the same throughout', async () => {
    const { server, search } = await serverWithRun({ maxRowsExamined: ROW_BUDGET });
    const client = server.db.$client;
    const searchFile = searchDbFile(client.name) as string;
    const automerge = (): number | undefined => {
      const db = new Database(searchFile, { readonly: true });
      try {
        return db.prepare("SELECT v FROM run_logs_fts_config WHERE k = 'automerge'").pluck().get() as number;
      } finally {
        db.close();
      }
    };
    // 2,000+ lines in chunks of 100: a backlog of full chunks, each its own segment, merged as it goes no more.
    const first = createLogSearchIndexer(client, { chunkRows: 100 });
    expect(first.step()).toBe(100);
    expect(automerge()).toBe(0);
    // Stopped here (a restart mid-backlog) the file keeps automerge off: the next open turns it back on.
    first.close();
    const indexer = createLogSearchIndexer(client, { chunkRows: 100 });
    expect(indexer.lag()).toBeGreaterThan(0); // opens the search database
    expect(automerge()).toBe(8);
    while (indexer.step() === 100) expect(automerge()).toBe(0);
    // The last, partial chunk: live again.
    expect(indexer.lag()).toBe(0);
    expect(automerge()).toBe(8);
    // Searchable before any merge: every line is in the index (a scan would be refused under the row budget).
    expect(numbers(await search('rate limited'))).toEqual([7, 507, 1007, 1507]);
    let slices = 0;
    while (indexer.tidy()) slices++;
    expect(slices).toBeGreaterThan(0);
    expect(indexer.tidy()).toBe(false);
    expect(numbers(await search('rate limited'))).toEqual([7, 507, 1007, 1507]);
    expect(numbers(await search('page #1999'))).toEqual([1999]);
    const db = new Database(searchFile);
    expect(() => db.exec("INSERT INTO run_logs_fts (run_logs_fts) VALUES ('integrity-check')")).not.toThrow();
    db.close();
    indexer.close();
  });
});
