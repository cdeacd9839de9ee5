// The log search indexer's thread: trigram indexing costs more CPU than ingest itself, so it runs beside the
// daemon's thread (on the other core) instead of in slices between its batches, writing to the search database
// (its own file, so the two never wait for one write lock). Started by ingest/log-search-thread.ts.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { createLogSearchIndexer, type LogSearchIndexer } from './log-search-store.js';
import { runAsBackgroundThread } from '../shared/worker-thread.js';
import type { LogSearchCommand, LogSearchReport, LogSearchWorkerData } from './log-search-protocol.js';

const settings = workerData as LogSearchWorkerData;
// Indexing uses spare CPU: ingest and the live path on the daemon's thread go first.
runAsBackgroundThread();
const port = parentPort;
if (port === null) throw new Error('runboard: log-search-store-worker.ts runs as a worker thread only');

const post = (report: LogSearchReport) => port.postMessage(report);
// Only warnings are logged here; they cross to the daemon's logger.
const warn = (message: string) => post({ type: 'warn', message });

let main: Database.Database | null = null;
let indexer: LogSearchIndexer | null = null;
/** The newest poke seen, and the one seen when the pass under way began (null: no pass under way). */
let seqSeen = 0;
let passSeq: number | null = null;
let cancelPending: (() => void) | null = null;
/** The pending timer is a poke's delay (not the idle wait): later pokes join it rather than postpone it. */
let pokeTimer = false;
let stopping = false;

function open(): LogSearchIndexer {
  if (indexer !== null) return indexer;
  main = new Database(settings.dbFile, { fileMustExist: true });
  // Claims and deleted-row notes are tiny writes on the dashboard's database: wait for the daemon's commit.
  main.pragma('busy_timeout = 5000');
  indexer = createLogSearchIndexer(main, { warn, chunkRows: settings.chunkRows });
  return indexer;
}

function later(delayMs: number, forPoke = false): void {
  pokeTimer = forPoke;
  const timer = setTimeout(pass, delayMs);
  cancelPending = () => clearTimeout(timer);
}

/** One chunk, then yield (a stop or a poke gets in between chunks); report once nothing is left. */
function pass(): void {
  cancelPending = null;
  if (stopping) return;
  const covered = (passSeq ??= seqSeen);
  let failed = false;
  try {
    if (open().step() > 0) {
      const next = setImmediate(pass);
      cancelPending = () => clearImmediate(next);
      return;
    }
    post({ type: 'caught-up', seq: covered, indexedUpto: open().indexedUpto() });
    // Searchable now; merging what a bulk load left is spare-time work, a slice at a time (pokes get in between).
    if (open().tidy()) {
      passSeq = null;
      later(0);
      return;
    }
  } catch (error) {
    // A full disk or a locked database: the index only falls behind (searches scan the tail); try again later.
    const err = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failed', message: err.message, stack: err.stack });
    failed = true;
  }
  passSeq = null;
  // Pokes that came during the pass get a pass of their own (it confirms quickly when it finds nothing).
  if (!failed && seqSeen > covered) later(settings.pokeDelayMs, true);
  else later(settings.idleMs);
}

port.on('message', (command: LogSearchCommand) => {
  if (command.type === 'stop') {
    stopping = true;
    cancelPending?.();
    indexer?.close();
    main?.close();
    port.close();
    return;
  }
  seqSeen = Math.max(seqSeen, command.seq);
  // A pass under way picks the new rows up itself; an idle wait is cut short.
  if (passSeq === null && !pokeTimer) {
    cancelPending?.();
    later(settings.pokeDelayMs, true);
  }
});
later(0);
