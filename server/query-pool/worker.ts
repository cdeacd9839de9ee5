// A query worker: its own read-only connection to the database (a WAL reader never blocks the ingest writer, and
// a long read here never blocks the main thread's event loop), running one task at a time under a budget.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { Db } from '../../shared/db.js';
import * as schema from '../../shared/schema.js';
import { runAsBackgroundThread } from '../../shared/worker-thread.js';
import { withBudget } from '../queries/budget.js';
import { attachSearchIndex } from '../queries/log-search.js';
import type { TaskFailure, TaskReply, TaskRequest, WorkerSettings } from './protocol.js';
import { runTask, type TaskArgs, type TaskName } from './tasks.js';

const settings = workerData as WorkerSettings;
// Searches use spare CPU: on a busy machine the daemon's thread (ingest, live, /api/health) goes first.
runAsBackgroundThread();
// Only the busy timeout: this connection never writes, so openDb's write pragmas (which take a lock to set) and
// migrations don't apply. The busy timeout covers a reader meeting a lock (WAL recovery, an exclusive writer).
const client = new Database(settings.dbFile, { readonly: true, fileMustExist: true });
client.pragma('busy_timeout = 5000');
const db: Db = drizzle(client, { schema });
const port = parentPort;
if (!port) throw new Error('runboard: the query worker must run in a worker thread');

function failureOf(error: unknown): TaskFailure {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), code: undefined, stack: undefined };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    code: typeof code === 'string' ? code : undefined,
    stack: error.stack,
  };
}

port.on('message', (request: TaskRequest) => {
  let reply: TaskReply;
  try {
    // Before the task's transaction: the log search index may have appeared or been rebuilt since the last one.
    attachSearchIndex(client);
    const limits = { deadline: performance.now() + settings.budgetMs, maxRowsExamined: settings.maxRowsExamined };
    const value = withBudget(db.$client, limits, () => runTask(db, request.name, request.args as TaskArgs<TaskName>));
    reply = { id: request.id, ok: true, value };
  } catch (error) {
    reply = { id: request.id, ok: false, error: failureOf(error) };
  }
  port.postMessage(reply);
});
