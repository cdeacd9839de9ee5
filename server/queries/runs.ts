// Runs: keyset pages newest first, one run with its steps, counts by status.
import type { RunStatus } from '../../shared/events.js';
import type { Db } from '../../shared/db.js';
import { runs, runSteps, type RunRow, type StepRow } from '../../shared/schema.js';
import { Conditions } from './conditions.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { selectList, statement } from './statements.js';

const RUN_COLUMNS = selectList(runs);
const STEP_COLUMNS = selectList(runSteps);

export interface RunFilter {
  club?: string | undefined;
  pipeline?: string | undefined;
  status?: RunStatus | undefined;
  /** Only runs that counted failed records ('some'), or none ('none'): tells unstable successes apart. */
  failedRecords?: 'some' | 'none' | undefined;
}

export interface RowPage<T> {
  rows: T[];
  nextCursor: string | null;
}

const RUNS_CURSOR = 'runs';

function filterClauses(filter: RunFilter): Conditions {
  const conditions = new Conditions();
  conditions.addIf('club_slug = ?', filter.club);
  conditions.addIf('pipeline = ?', filter.pipeline);
  conditions.addIf('status = ?', filter.status);
  if (filter.failedRecords === 'some') conditions.add('failed > 0');
  else if (filter.failedRecords === 'none') conditions.add('failed = 0');
  return conditions;
}

/**
 * Newest first by (started_at, id). Runs whose start is unknown (a file without run.start or times) sort after
 * every dated run, by id; the two parts are read as two index-ordered queries so neither needs a sort or OFFSET.
 */
export function listRuns(db: Db, filter: RunFilter, cursor: string | undefined, limit: number): RowPage<RunRow> {
  const client = db.$client;
  const { clauses, params } = filterClauses(filter);
  const [cursorStartedAt, cursorId] =
    cursor === undefined ? [undefined, undefined] : decodeCursor(cursor, RUNS_CURSOR, 2);
  const want = limit + 1;
  const rows: RunRow[] = [];

  // A cursor with a null start is already inside the undated tail.
  if (cursorStartedAt !== null) {
    const dated = [...clauses, 'started_at IS NOT NULL'];
    const datedParams = [...params];
    if (cursorStartedAt !== undefined && cursorId !== undefined) {
      dated.push('(started_at, id) < (?, ?)');
      datedParams.push(cursorStartedAt, cursorId ?? 0);
    }
    const sql = `SELECT ${RUN_COLUMNS} FROM runs WHERE ${dated.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT ?`;
    rows.push(...(statement(client, sql).all(...datedParams, want) as RunRow[]));
  }
  if (rows.length < want) {
    const undated = [...clauses, 'started_at IS NULL'];
    const undatedParams = [...params];
    if (cursorStartedAt === null && cursorId !== undefined && cursorId !== null) {
      undated.push('id < ?');
      undatedParams.push(cursorId);
    }
    const sql = `SELECT ${RUN_COLUMNS} FROM runs WHERE ${undated.join(' AND ')} ORDER BY id DESC LIMIT ?`;
    rows.push(...(statement(client, sql).all(...undatedParams, want - rows.length) as RunRow[]));
  }
  if (rows.length <= limit) return { rows, nextCursor: null };
  rows.length = limit;
  const last = rows[limit - 1] as RunRow;
  return { rows, nextCursor: encodeCursor(RUNS_CURSOR, [last.startedAt, last.id]) };
}

export function getRun(db: Db, id: number): RunRow | undefined {
  return statement(db.$client, `SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(id) as RunRow | undefined;
}

export function getRunSteps(db: Db, runId: number): StepRow[] {
  return statement(db.$client, `SELECT ${STEP_COLUMNS} FROM run_steps WHERE run_id = ? ORDER BY seq, name`).all(
    runId,
  ) as StepRow[];
}

export function countRunsByStatus(db: Db): Partial<Record<RunStatus, number>> {
  const rows = statement(db.$client, 'SELECT status, count(*) AS n FROM runs GROUP BY status').all() as Array<{
    status: RunStatus;
    n: number;
  }>;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Where the run's file is, relative to the runs directory (or absolute, as ingest stored it). */
export function getRunSourceFile(db: Db, run: RunRow): string | null {
  if (run.sourceFile !== null) return run.sourceFile;
  const row = statement(
    db.$client,
    'SELECT path FROM ingest_files WHERE run_id = ? ORDER BY updated_at DESC LIMIT 1',
  ).get(run.id) as { path: string } | undefined;
  return row?.path ?? null;
}
