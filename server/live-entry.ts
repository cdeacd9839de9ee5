// One committed ingest change as the live hub keeps it: converted to API views once, grouped for topic matching.
import type { ErrorView, LogLineView, RunView, StepView } from '../shared/api.js';
import type { IngestChange } from '../shared/ingest-change.js';
import type { PipelineHealthChange } from '../shared/health.js';
import { errorView, logLineView, runView, stepView } from './views.js';

export interface StepChange {
  runId: number;
  club: string;
  step: StepView;
}

export interface HubEntry {
  cursor: number;
  runs: RunView[];
  steps: StepChange[];
  errors: ErrorView[];
  /** New log lines per run, in file order. */
  logsByRun: Map<number, LogLineView[]>;
  lineCount: number;
  /** Runs deleted by this change. */
  removedRunIds: number[];
  /** Pipelines whose health changed (an entry of its own: health changes on a timer, not only with ingest). */
  health: PipelineHealthChange[];
}

export function entryFromChange(cursor: number, change: IngestChange): HubEntry {
  const logsByRun = new Map<number, LogLineView[]>();
  for (const row of change.logs) {
    let lines = logsByRun.get(row.runId);
    if (!lines) logsByRun.set(row.runId, (lines = []));
    lines.push(logLineView(row));
  }
  return {
    cursor,
    runs: change.runs.map(runView),
    steps: change.steps.map((row) => ({ runId: row.runId, club: row.clubSlug, step: stepView(row) })),
    errors: change.errors.map(errorView),
    logsByRun,
    lineCount: change.logs.length,
    removedRunIds: change.removedRunIds ?? [],
    health: [],
  };
}

export function entryFromHealth(cursor: number, health: PipelineHealthChange[]): HubEntry {
  return { cursor, runs: [], steps: [], errors: [], logsByRun: new Map(), lineCount: 0, removedRunIds: [], health };
}
