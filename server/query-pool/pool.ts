// A small fixed pool of query workers (plain worker_threads: the pool needs a bounded queue, a per-task deadline
// that replaces a stuck worker, and lazy respawn; that is less code than configuring a pool library for it, and
// adds no dependency). Light tasks (index seeks) go before heavy ones (filtered scans, searches, aggregates), and
// heavy tasks beyond `maxHeavy` (running or waiting) are refused with 429 at once instead of queueing for seconds.
import type { Worker } from 'node:worker_threads';
import { QueryBudgetExceeded } from '../queries/query-errors.js';
import type { TaskFailure, TaskReply, WorkerSettings } from './protocol.js';
import { spawnQueryWorker } from './spawn-worker.js';
import type { TaskArgs, TaskName, TaskResult } from './tasks.js';

export interface QueryPoolOptions {
  dbFile: string;
  /** Worker threads (default 2: the machines runboard runs on have 2 cores, one of them for ingest). */
  size?: number;
  /** Time budget of one task (default 2,000 ms), enforced inside the worker. */
  budgetMs?: number;
  /** Rows one task may look at (default 5,000,000), enforced inside the worker. */
  maxRowsExamined?: number;
  /** Heavy tasks running or waiting at once (default 2 per worker); more get 429. */
  maxHeavy?: number;
  /** Tasks waiting at once, light or heavy (default 256); more get 429. */
  maxWaiting?: number;
  /** After its budget, how long a task may still take before its worker is terminated and replaced (1,000 ms). */
  graceMs?: number;
}

export interface RunOptions {
  /** A filtered scan, a search or an aggregate: counted against `maxHeavy`, runs after waiting light tasks. */
  heavy: boolean;
}

/** What routes use to run a query (the pool, or anything that answers like it). */
export interface QueryRunner {
  run<N extends TaskName>(name: N, args: TaskArgs<N>, options: RunOptions): Promise<TaskResult<N>>;
}

/** Too many heavy queries at once: the client should retry after `retryAfterSeconds` (429 with Retry-After). */
export class QueryPoolBusy extends Error {
  override name = 'QueryPoolBusy';
  readonly code = 'RB_ERR_QUERY_POOL_BUSY';
  readonly retryAfterSeconds = 1;
  constructor(what: string) {
    super(`too many ${what} queries at once; retry in a second`);
  }
}

/** A task failed in its worker; keeps the error's code (server/queries/errors.ts: the client's fault) and stack. */
export class QueryTaskError extends Error {
  readonly code: string | undefined;
  constructor(failure: TaskFailure) {
    super(failure.message);
    this.name = failure.name;
    this.code = failure.code;
    if (failure.stack !== undefined) this.stack = failure.stack;
  }
}

interface Job {
  id: number;
  name: TaskName;
  args: unknown[];
  heavy: boolean;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  /** Null until first needed, and after the worker died (respawned by the next task, never in a loop). */
  worker: Worker | null;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

export class QueryPool implements QueryRunner {
  private readonly settings: WorkerSettings;
  private readonly slots: Slot[];
  private readonly lightWaiting: Job[] = [];
  private readonly heavyWaiting: Job[] = [];
  private heavyInFlight = 0;
  private nextId = 1;
  private closed = false;
  private readonly maxHeavy: number;
  private readonly maxWaiting: number;
  private readonly graceMs: number;

  constructor(options: QueryPoolOptions) {
    const size = Math.max(1, options.size ?? 2);
    this.settings = {
      dbFile: options.dbFile,
      budgetMs: options.budgetMs ?? 2_000,
      maxRowsExamined: options.maxRowsExamined ?? 5_000_000,
    };
    this.maxHeavy = options.maxHeavy ?? 2 * size;
    this.maxWaiting = options.maxWaiting ?? 256;
    this.graceMs = options.graceMs ?? 1_000;
    this.slots = Array.from({ length: size }, () => ({ worker: null, job: null, timer: null }));
    // Start the workers now: their first task should not pay for loading the code and opening the database.
    for (const slot of this.slots) this.ensureWorker(slot);
  }

  run<N extends TaskName>(name: N, args: TaskArgs<N>, options: RunOptions): Promise<TaskResult<N>> {
    return new Promise<TaskResult<N>>((resolve, reject) => {
      if (this.closed) return reject(new Error('runboard: the query pool is closed'));
      if (options.heavy && this.heavyInFlight >= this.maxHeavy) return reject(new QueryPoolBusy('heavy'));
      if (this.lightWaiting.length + this.heavyWaiting.length >= this.maxWaiting) {
        return reject(new QueryPoolBusy('waiting'));
      }
      const job: Job = {
        id: this.nextId++,
        name,
        args,
        heavy: options.heavy,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      if (job.heavy) this.heavyInFlight++;
      (job.heavy ? this.heavyWaiting : this.lightWaiting).push(job);
      this.dispatch();
    });
  }

  /** Refuses new tasks, fails the pending ones and terminates every worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closedError = () => new Error('runboard: the query pool is closed');
    for (const job of [...this.lightWaiting.splice(0), ...this.heavyWaiting.splice(0)]) job.reject(closedError());
    const exits: Array<Promise<number>> = [];
    for (const slot of this.slots) {
      if (slot.job) this.settle(slot)?.reject(closedError());
      if (slot.worker) exits.push(slot.worker.terminate());
      slot.worker = null;
    }
    await Promise.all(exits);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.lightWaiting.shift() ?? this.heavyWaiting.shift();
      if (!job) return;
      this.start(slot, job);
    }
  }

  private ensureWorker(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const worker = spawnQueryWorker(this.settings);
    // Idle workers must not keep the process alive; a worker with a task does (see start/settle).
    worker.unref();
    worker.on('message', (reply: TaskReply) => this.onReply(slot, worker, reply));
    // An uncaught error in the worker (it could not open the database, a bug): its task fails, and the slot gets
    // a new worker only when the next task needs one.
    worker.on('error', (error) => this.onWorkerGone(slot, worker, error));
    worker.on('exit', (code) => this.onWorkerGone(slot, worker, new Error(`query worker exited (${code})`)));
    slot.worker = worker;
    return worker;
  }

  private start(slot: Slot, job: Job): void {
    const worker = this.ensureWorker(slot);
    slot.job = job;
    worker.ref();
    // The worker enforces the budget itself; this is for the queries that can't be stopped from inside.
    slot.timer = setTimeout(() => this.onOverrun(slot), this.settings.budgetMs + this.graceMs);
    worker.postMessage({ id: job.id, name: job.name, args: job.args });
  }

  /** Frees the slot and returns the job it held. */
  private settle(slot: Slot): Job | null {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker?.unref();
    if (job?.heavy) this.heavyInFlight--;
    return job;
  }

  private onReply(slot: Slot, worker: Worker, reply: TaskReply): void {
    if (slot.worker !== worker || slot.job?.id !== reply.id) return;
    const job = this.settle(slot);
    if (reply.ok) job?.resolve(reply.value);
    else job?.reject(new QueryTaskError(reply.error));
    this.dispatch();
  }

  private onOverrun(slot: Slot): void {
    const worker = slot.worker;
    this.settle(slot)?.reject(new QueryBudgetExceeded('it ran longer than its time budget'));
    // A native SQLite call can't be interrupted: let that thread finish on its own and take a fresh one.
    slot.worker = null;
    if (worker) {
      worker.removeAllListeners('message');
      void worker.terminate();
    }
    this.dispatch();
  }

  private onWorkerGone(slot: Slot, worker: Worker, error: Error): void {
    if (slot.worker !== worker) return;
    slot.worker = null;
    this.settle(slot)?.reject(error);
    if (!this.closed) this.dispatch();
  }
}
