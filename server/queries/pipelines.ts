// Per-pipeline summaries for the overview: every query is an index seek on (club_slug, pipeline, started_at).
import type { Db } from '../../shared/db.js';
import { runs, type RunRow } from '../../shared/schema.js';
import { selectList, statement } from './statements.js';

const RUN_COLUMNS = selectList(runs);
/** Runs shown in a pipeline's history strip. */
export const RECENT_RUNS = 20;

export interface PipelineKey {
  club: string;
  pipeline: string;
}

/**
 * Every distinct (club, pipeline), found by hopping the index from one key to the next (a loose index scan):
 * one seek per pipeline instead of reading every run.
 */
export function listPipelineKeys(db: Db, club?: string): PipelineKey[] {
  const client = db.$client;
  const keys: PipelineKey[] = [];
  const first =
    club === undefined
      ? statement(client, 'SELECT club_slug AS club, pipeline FROM runs ORDER BY club_slug, pipeline LIMIT 1')
      : statement(client, 'SELECT club_slug AS club, pipeline FROM runs WHERE club_slug = ? ORDER BY pipeline LIMIT 1');
  const next =
    club === undefined
      ? statement(
          client,
          'SELECT club_slug AS club, pipeline FROM runs WHERE (club_slug, pipeline) > (?, ?) ORDER BY club_slug, pipeline LIMIT 1',
        )
      : statement(
          client,
          'SELECT club_slug AS club, pipeline FROM runs WHERE club_slug = ? AND pipeline > ? ORDER BY pipeline LIMIT 1',
        );
  let key = (club === undefined ? first.get() : first.get(club)) as PipelineKey | undefined;
  while (key) {
    keys.push(key);
    key = next.get(key.club, key.pipeline) as PipelineKey | undefined;
  }
  return keys;
}

/** The pipeline's last `count` runs, newest first (undated runs last). */
export function recentRuns(db: Db, key: PipelineKey, count = RECENT_RUNS): RunRow[] {
  return statement(
    db.$client,
    `SELECT ${RUN_COLUMNS} FROM runs WHERE club_slug = ? AND pipeline = ? ORDER BY started_at DESC, id DESC LIMIT ?`,
  ).all(key.club, key.pipeline, count) as RunRow[];
}

export interface WindowStats {
  runs: number;
  finished: number;
  succeeded: number;
}

/** Runs started since `since`, and how many of them finished and succeeded. */
export function windowStats(db: Db, key: PipelineKey, since: number): WindowStats {
  return statement(
    db.$client,
    `SELECT count(*) AS runs,
            coalesce(sum(status <> 'running'), 0) AS finished,
            coalesce(sum(status = 'success'), 0) AS succeeded
       FROM runs WHERE club_slug = ? AND pipeline = ? AND started_at >= ?`,
  ).get(key.club, key.pipeline, since) as WindowStats;
}

/** The newest run that is no longer running: its errors are the pipeline's open errors. */
export function lastFinishedRun(db: Db, key: PipelineKey): RunRow | undefined {
  return statement(
    db.$client,
    `SELECT ${RUN_COLUMNS} FROM runs WHERE club_slug = ? AND pipeline = ? AND status <> 'running'
      ORDER BY started_at DESC, id DESC LIMIT 1`,
  ).get(key.club, key.pipeline) as RunRow | undefined;
}
