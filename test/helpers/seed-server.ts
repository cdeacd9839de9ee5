// The app under test on a temp database seeded from real run files.
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../server/app.js';
import { createMetrics } from '../../server/metrics.js';
import { ingestRunsDir } from './seed-ingest.js';
import { tempData, type TempData } from './seed-run-files.js';

export interface TestServer extends TempData {
  app: FastifyInstance;
  /** Ingest whatever is in the runs directory now, with the real ingest daemon. */
  ingest(): Promise<void>;
  close(): Promise<void>;
}

export async function testServer(options: Partial<Omit<AppOptions, 'db' | 'runsDir'>> = {}): Promise<TestServer> {
  const data = tempData();
  const app = await buildApp({
    db: data.db,
    runsDir: data.runsDir,
    token: null,
    webDir: null,
    isReady: () => true,
    metrics: createMetrics(),
    logger: false,
    ...options,
  });
  return {
    ...data,
    app,
    ingest: () => ingestRunsDir(data.db, data.runsDir),
    async close() {
      await app.close();
      data.cleanup();
    },
  };
}
