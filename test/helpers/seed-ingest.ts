// Getting run files into the database the real way: the ingest daemon's startup catch-up over the runs directory
// (start() resolves once everything present is committed), then stop. Each call ingests only what is new.
import pino from 'pino';
import { createIngestDaemon } from '../../ingest/daemon.js';
import type { Db } from '../../shared/db.js';

const silent = pino({ level: 'silent' });

export async function ingestRunsDir(db: Db, runsDir: string): Promise<void> {
  const daemon = createIngestDaemon({ runsDir, db, logger: silent });
  await daemon.start();
  await daemon.stop();
}
