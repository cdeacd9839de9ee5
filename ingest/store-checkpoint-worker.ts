// The checkpoint worker: copies the WAL back into the database file on its own thread and its own connection. A
// checkpoint fsyncs the WAL (tens of ms once it holds a second of commits); run inside a commit on the daemon's
// thread, that fsync held back every line on its way to the live socket. Here it holds back nothing: a PASSIVE
// checkpoint takes no lock a writer needs. Started and stopped by ingest/store-checkpointer.ts; talks by messages only.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type {
  CheckpointCommand,
  CheckpointMode,
  CheckpointReport,
  CheckpointWorkerData,
} from './store-checkpoint-protocol.js';

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

const settings = workerData as CheckpointWorkerData;
const port = parentPort;
if (port === null) throw new Error('runboard: store-checkpoint-worker.ts runs as a worker thread only');

/** PASSIVE passes after the first, trying to catch up with the daemon's commits. */
const PASSIVE_TRIES = 5;

let connection: Database.Database | null = null;
let lastPassAt = 0;
/** data_version at the previous pass, and whether that pass left every frame copied. */
let lastVersion = -1;
let lastPassComplete = false;

function open(): Database.Database {
  if (connection !== null) return connection;
  const db = new Database(settings.dbFile, { fileMustExist: true });
  // Never wait: a TRUNCATE that would have to wait for a reader or for the daemon's commit gives up at once (busy
  // = 1) and is tried at a later pass, instead of holding the write lock while the daemon's commit waits on it.
  db.pragma('busy_timeout = 0');
  // The checkpointing connection's setting decides the checkpoint's fsyncs: NORMAL syncs the WAL before copying and
  // the database file after, which is what makes the copied pages durable before the WAL is reused.
  db.pragma('synchronous = NORMAL');
  connection = db;
  return db;
}

/** Bytes of WAL written since it last started over: frames of one page plus a 24-byte header each. */
function walBytes(db: Database.Database, frames: number): number {
  return frames * ((db.pragma('page_size', { simple: true }) as number) + 24);
}

function checkpoint(db: Database.Database, mode: CheckpointMode): CheckpointRow {
  const [row] = db.pragma(`wal_checkpoint(${mode})`) as CheckpointRow[];
  if (row === undefined) throw new Error(`wal_checkpoint(${mode}) returned no row`);
  return row;
}

function copiedAll(row: CheckpointRow): boolean {
  return row.busy === 0 && row.checkpointed === row.log;
}

/** One pass; true when it did not catch up with the daemon's commits (the next pass should come soon). */
function pass(): boolean {
  lastPassAt = performance.now();
  let report: CheckpointReport;
  try {
    const db = open();
    // data_version changes when another connection commits: unchanged after a complete pass means nothing to do.
    const version = db.pragma('data_version', { simple: true }) as number;
    if (version === lastVersion && lastPassComplete) return false;
    lastVersion = version;
    let mode: CheckpointMode = 'PASSIVE';
    let row = checkpoint(db, mode);
    // The WAL starts over from its beginning only when a commit finds every frame in it copied. Each PASSIVE
    // copies what was committed while the previous one ran, a shorter stretch each time (the first holds the big
    // fsync); one that finds nothing new has caught up, and the daemon's next commit starts the WAL over itself.
    let caughtUp = false;
    for (let again = 0; again < PASSIVE_TRIES && !caughtUp && copiedAll(row); again++) {
      const next = checkpoint(db, mode);
      caughtUp = next.log === row.log && copiedAll(next);
      row = next;
    }
    if (!caughtUp && copiedAll(row) && walBytes(db, row.log) > settings.truncateAboveBytes) {
      // Commits so steady that no PASSIVE caught up for a long while, and the WAL has grown large: TRUNCATE copies
      // the last frames under the write lock and empties the file. The daemon's commit waits for that (an fsync,
      // more than 100 ms on a busy disk), which is why it is the exception and PASSIVE the rule.
      mode = 'TRUNCATE';
      row = checkpoint(db, mode);
    }
    lastPassComplete = copiedAll(row);
    report = {
      type: 'checkpointed',
      mode,
      caughtUp,
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
  return report.type === 'checkpointed' && !report.caughtUp && report.walFrames > 0;
}

function closeConnection(): void {
  try {
    connection?.close();
  } catch {
    // closing is best effort; the thread is going away or reopening
  }
  connection = null;
}

let timer: NodeJS.Timeout | null = null;
let stopped = false;

function run(): void {
  const behind = pass();
  // Behind: the WAL cannot start over until a pass catches up, so try again soon (between the daemon's bursts of
  // commits) rather than let it grow for a whole interval.
  if (!stopped) schedule(behind ? settings.catchUpRetryMs : settings.intervalMs);
}

function schedule(ms: number): void {
  if (timer !== null) clearTimeout(timer);
  timer = setTimeout(run, ms);
}

schedule(settings.intervalMs);

port.on('message', (command: CheckpointCommand) => {
  if (command.type === 'nudge') {
    if (performance.now() - lastPassAt >= settings.minGapMs) run();
  } else if (command.type === 'stop') {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    closeConnection();
    port.close(); // nothing left keeps the thread alive: it exits
  }
});
