// Run files written the way pipelines write them: the real run logger (pino, synchronous destination) into a
// temp runs directory, one NDJSON file per run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRun, type RunHandle } from '../../shared/run-logger.js';
import { openDb, type Db } from '../../shared/db.js';

export interface TempData {
  root: string;
  runsDir: string;
  dbFile: string;
  db: Db;
  cleanup(): void;
}

/** A temp directory with an empty runs directory and a migrated WAL database. */
export function tempData(prefix = 'runboard-api-'): TempData {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const runsDir = join(root, 'runs');
  const dbFile = join(root, 'dashboard.sqlite');
  const db = openDb(dbFile);
  return {
    root,
    runsDir,
    dbFile,
    db,
    cleanup() {
      db.$client.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

type RunResult = { outcome?: 'success' | 'failure' } | 'leave-running' | void;

export interface RunSpec {
  club: string;
  pipeline: string;
  runId?: string;
  trigger?: string;
  /** Level of `run.log` (default info). */
  level?: 'trace' | 'debug' | 'info';
}

/**
 * One complete run: `body` logs, steps and errors through the real run logger; `end` is called with its result
 * unless `body` returns `'leave-running'` (a run still going, no run.end written).
 */
export async function recordRun(
  runsDir: string,
  spec: RunSpec,
  body: (run: RunHandle) => RunResult | Promise<RunResult>,
): Promise<RunHandle> {
  const run = startRun({ ...spec, runsDir, handleProcessEnd: false, progressIntervalMs: 0, env: {} });
  const result = await body(run);
  if (result !== 'leave-running') await run.end(result ?? {});
  return run;
}
