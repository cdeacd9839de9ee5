// Every query a REST route may hand to a query worker, by name. The worker calls these with its own read-only
// connection; the main thread only imports the types, so routes get typed arguments and results.
import type { Db } from '../../shared/db.js';
import type { ErrorRow, RunRow, StepRow } from '../../shared/schema.js';
import { alertChannelStats, listAlerts } from '../queries/alerts.js';
import { errorOverview } from '../queries/error-overview.js';
import { listErrors, listRunErrors } from '../queries/errors.js';
import { readLogs, type LogPage, type LogQuery } from '../queries/logs.js';
import { listHealthHistory } from '../queries/health-history.js';
import { listRejects } from '../queries/rejects.js';
import { getRun, getRunSteps, listRuns, type RowPage } from '../queries/runs.js';

export const queryTasks = {
  listRuns,
  listErrors,
  listRejects,
  listHealthHistory,
  errorOverview,
  listAlerts,
  alertChannelStats,
  runDetail(db: Db, runId: number): { run: RunRow; steps: StepRow[] } | null {
    const run = getRun(db, runId);
    return run ? { run, steps: getRunSteps(db, runId) } : null;
  },
  /** Null when the run does not exist. */
  runLogs(db: Db, query: LogQuery): LogPage | null {
    return db.$client.transaction(() => (getRun(db, query.runId) ? readLogs(db, query) : null))();
  },
  /** Null when the run does not exist. */
  runErrors(db: Db, runId: number, cursor: string | undefined, limit: number): RowPage<ErrorRow> | null {
    return db.$client.transaction(() => (getRun(db, runId) ? listRunErrors(db, runId, cursor, limit) : null))();
  },
};

type Tasks = typeof queryTasks;
export type TaskName = keyof Tasks;
export type TaskArgs<N extends TaskName> = Tasks[N] extends (db: Db, ...args: infer A) => unknown ? A : never;
export type TaskResult<N extends TaskName> = ReturnType<Tasks[N]>;

/** Runs a task by name; the worker's one entry into the table above. */
export function runTask<N extends TaskName>(db: Db, name: N, args: TaskArgs<N>): TaskResult<N> {
  // The table's entries differ in their parameters; the name ties these arguments to that entry.
  const task = queryTasks[name] as unknown as (db: Db, ...args: TaskArgs<N>) => TaskResult<N>;
  return task(db, ...args);
}
