// The checkpoint worker: copies the WAL back into the database file on its own thread and its own connection. A
// checkpoint fsyncs the WAL (tens of ms once it holds a second of commits); run inside a commit on the daemon's
// thread, that fsync held back every line on its way to the live socket. Here it holds back nothing: a PASSIVE
// checkpoint takes no lock a writer needs. Started and stopped by ingest/checkpointer.ts; talks by messages only.
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type {
  CheckpointCommand,
  CheckpointMode,
  CheckpointReport,
  CheckpointWorkerData,
} from './checkpoint-protocol.js';

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

const settings = workerData as CheckpointWorkerData;
const port = parentPort;
if (port === null) throw new Error('runboard: checkpoint-worker.ts runs as a worker thread only');

let connection: Database.Database | null = null;
let lastPassAt = 0;
/** data_version at the previous pass, and whether that pass left every frame copied. */
let lastVersion = -1;
let lastPassComplete = false;

function open(): Database.Database {
  if (connection !== null) return connection;
  const db = new Database(settings.dbFile, { fileMustExist: true });
  // Never wait: a RESTART that would have to wait for a reader or for the daemon's commit gives up at once (busy
  // = 1) and is tried at the next pass, instead of holding the write lock while the daemon's commit waits on it.
  db.pragma('busy_timeout = 0');
  // The checkpointing connection's setting decides the checkpoint's fsyncs: NORMAL syncs the WAL before copying and
  // the database file after, which is what makes the copied pages durable before the WAL is reused.
  db.pragma('synchronous = NORMAL');
  connection = db;
  return db;
}

function walBytes(): number {
  try {
    return statSync(`${settings.dbFile}-wal`).size;
  } catch {
    return 0;
  }
}

function checkpoint(db: Database.Database, mode: CheckpointMode): CheckpointRow {
  const [row] = db.pragma(`wal_checkpoint(${mode})`) as CheckpointRow[];
  if (row === undefined) throw new Error(`wal_checkpoint(${mode}) returned no row`);
  return row;
}

function pass(): void {
  lastPassAt = performance.now();
  let report: CheckpointReport;
  try {
    const db = open();
    // data_version changes when another connection commits: unchanged after a complete pass means nothing to do.
    const version = db.pragma('data_version', { simple: true }) as number;
    if (version === lastVersion && lastPassComplete) return;
    lastVersion = version;
    let mode: CheckpointMode = 'PASSIVE';
    let row = checkpoint(db, mode);
    if (row.busy === 0 && row.log > 0 && row.checkpointed === row.log) {
      // PASSIVE copied every frame it saw, but the daemon commits all the time, so the WAL never becomes fully
      // copied on its own and its next commit would keep appending (the WAL restarts from its beginning only
      // when a writer finds it entirely copied). RESTART copies the few frames committed meanwhile under the
      // write lock (a moment, since the big fsync is done) and makes the next commit start the WAL over.
      mode = walBytes() > settings.truncateAboveBytes ? 'TRUNCATE' : 'RESTART';
      row = checkpoint(db, mode);
    }
    lastPassComplete = row.busy === 0 && row.checkpointed === row.log;
    report = {
      type: 'checkpointed',
      mode,
      busy: row.busy,
      walFrames: row.log,
      checkpointedFrames: row.checkpointed,
      ms: performance.now() - lastPassAt,
    };
  } catch (error) {
    // A connection that failed may be unusable (database replaced, disk error): open a fresh one next time.
    closeConnection();
    lastPassComplete = false;
    const err = error as Error & { code?: unknown };
    report = { type: 'failed', message: err.message, code: typeof err.code === 'string' ? err.code : null };
  }
  port?.postMessage(report);
}

function closeConnection(): void {
  try {
    connection?.close();
  } catch {
    // closing is best effort; the thread is going away or reopening
  }
  connection = null;
}

const timer = setInterval(pass, settings.intervalMs);

port.on('message', (command: CheckpointCommand) => {
  if (command.type === 'nudge') {
    if (performance.now() - lastPassAt >= settings.minGapMs) pass();
  } else if (command.type === 'stop') {
    clearInterval(timer);
    closeConnection();
    port.close(); // nothing left keeps the thread alive: it exits
  }
});
