// REST reads run on query workers (issue 11 item 5): a heavy query never holds up the main thread, heavy queries
// beyond the bound are refused with 429, and a query over its budget gets a "narrow your search" answer.
//
// A query is held in its worker, without timing, by a real SQLite lock: a connection in EXCLUSIVE locking mode
// keeps every other connection from reading until it closes, so the worker's read waits in SQLite's busy handler
// (up to the 5 s busy_timeout) while the test looks at what the rest of the server does meanwhile.
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError, LogsResponse } from '../shared/api.js';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { Db } from '../shared/db.js';
import * as schema from '../shared/schema.js';
import { buildApp, type AppOptions } from '../server/app.js';
import { createMetrics } from '../server/metrics.js';
import { ingestRunsDir } from './helpers/seed-ingest.js';
import { recordRun, tempData, type TempData } from './helpers/seed-run-files.js';

const LINES = 600;
const opened: Array<{ app: FastifyInstance; data: TempData; lock: Database.Database | null }> = [];

afterEach(async () => {
  for (const { app, data, lock } of opened.splice(0)) {
    lock?.close();
    await app.close();
    data.cleanup();
  }
});

/** A database holding one run of LINES lines, and the app on it. With `locked`, nobody can read it yet. */
async function server(
  queryPool: AppOptions['queryPool'],
  locked: boolean,
): Promise<{ app: FastifyInstance; runId: number; release: () => void }> {
  const data = tempData();
  await recordRun(data.runsDir, { club: 'c', pipeline: 'p' }, (run) => {
    for (let i = 0; i < LINES; i++) run.log.info({ i }, `fetched page #${i}`);
  });
  await ingestRunsDir(data.db, data.runsDir);
  const runId = data.db.$client.prepare('SELECT id FROM runs').pluck().get() as number;
  // An EXCLUSIVE lock in WAL mode needs every other connection closed first.
  data.db.$client.close();
  let lock: Database.Database | null = null;
  if (locked) {
    lock = new Database(data.dbFile);
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
  }
  // Opening reads nothing, so this works under the lock; the routes' reads happen on the workers.
  const db: Db = drizzle(new Database(data.dbFile, { readonly: true }), { schema });
  const app = await buildApp({
    db,
    runsDir: data.runsDir,
    token: null,
    webDir: null,
    isReady: () => true,
    metrics: createMetrics(),
    logger: false,
    queryPool,
  });
  const entry = { app, data: { ...data, db }, lock };
  opened.push(entry);
  return {
    app,
    runId,
    release() {
      entry.lock?.close();
      entry.lock = null;
    },
  };
}

describe('REST queries on worker threads', () => {
  it('answers /api/health while a heavy query waits in a worker', async () => {
    const { app, runId, release } = await server({ size: 1 }, true);
    let searchAnswered = false;
    const search = app.inject({ url: `/api/runs/${runId}/logs?level=error` }).then((res) => {
      searchAnswered = true;
      return res;
    });
    const health = await app.inject({ url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(searchAnswered).toBe(false);
    release();
    const answer = await search;
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json<LogsResponse>().lines).toEqual([]);
  });

  it('refuses heavy queries beyond the bound with 429 and Retry-After, and serves the admitted one', async () => {
    const { app, runId, release } = await server({ size: 1, maxHeavy: 1 }, true);
    const requests = [
      app.inject({ url: `/api/runs/${runId}/logs?q=page` }),
      app.inject({ url: `/api/runs/${runId}/logs?level=warn` }),
    ];
    // The admitted one is held by the lock, so the first answer is the refused one.
    const busy = await Promise.race(requests);
    expect(busy.statusCode, busy.body).toBe(429);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.json<ApiError>().message).toMatch(/too many/);
    release();
    const statuses = (await Promise.all(requests)).map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 429]);
  });

  it('answers a query over its budget with 422 "narrow your search"', async () => {
    const { app, runId } = await server({ maxRowsExamined: 100 }, false);
    const res = await app.inject({ url: `/api/runs/${runId}/logs?level=error` });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json<ApiError>().message).toMatch(/narrow your search/);
    // A page the budget covers is still served.
    const newest = await app.inject({ url: `/api/runs/${runId}/logs?limit=50` });
    expect(newest.statusCode, newest.body).toBe(200);
  });

  it('still serves light queries while heavy ones are refused', async () => {
    const { app, runId } = await server({ maxHeavy: 0 }, false);
    expect((await app.inject({ url: `/api/runs/${runId}/logs?q=page` })).statusCode).toBe(429);
    expect((await app.inject({ url: `/api/runs/${runId}` })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/runs' })).statusCode).toBe(200);
  });
});
