// Messages between the query pool (main thread) and its workers. Plain data only: they cross a thread boundary
// by structured clone.
import type { TaskName } from './tasks.js';

export interface WorkerSettings {
  dbFile: string;
  /** Each task's time budget, enforced inside the worker by examine_budget(). */
  budgetMs: number;
  maxRowsExamined: number;
}

export interface TaskRequest {
  id: number;
  name: TaskName;
  args: unknown[];
}

/** An error as it crosses back: enough to rebuild the HTTP answer (its code, for the status, and message). */
export interface TaskFailure {
  name: string;
  message: string;
  /** The error's stable code (server/queries/errors.ts), if it has one. */
  code: string | undefined;
  stack: string | undefined;
}

export type TaskReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: TaskFailure };
