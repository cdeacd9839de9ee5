// Folding a pipeline's recent runs into its overview summary. Pure: the route feeds it query results.
import type { PipelineSummary, RunDot, StepView } from '../../shared/api.js';
import type { RunRow } from '../../shared/schema.js';
import type { RecentRunRow } from '../queries/pipelines.js';
import { runView } from '../views.js';
import { median } from '../../shared/normal-range.js';

// The median is the normal range's own (one arithmetic for the summary and the run comparison); re-exported for
// the summary's callers and tests.
export { median };

export interface PipelineFacts {
  club: string;
  pipeline: string;
  /** The newest run in full. */
  lastRun: RunRow | undefined;
  /** The last runs, newest first. */
  recent: RecentRunRow[];
  runs24h: number;
  finished24h: number;
  succeeded24h: number;
  /** Of `succeeded24h`, the runs that counted failed records. */
  succeededWithFailures24h?: number;
  /** Error count of the newest run no longer running, when it is not among `recent`. */
  olderFinishedErrorCount: number | undefined;
  /** That run's id. */
  olderFinishedRunId?: number | undefined;
  /** Steps of the newest run still running, when the newest run is running. */
  runningSteps: StepView[];
}

function dot(row: RecentRunRow): RunDot {
  return { id: row.id, status: row.status, startedAt: row.startedAt, durationMs: row.durationMs, failed: row.failed };
}

export function summarisePipeline(facts: PipelineFacts): Omit<PipelineSummary, 'health'> {
  const last = facts.lastRun;
  const lastFinished = facts.recent.find((r) => r.status !== 'running');
  // Durations of runs that ran to an end; an abandoned run's "duration" is only how long until it went silent.
  const durations = facts.recent
    .filter((r) => (r.status === 'success' || r.status === 'failure') && r.durationMs !== null)
    .map((r) => r.durationMs as number);
  return {
    club: facts.club,
    pipeline: facts.pipeline,
    lastRun: last ? runView(last) : null,
    lastRunSteps: last?.status === 'running' ? facts.runningSteps : [],
    runs24h: facts.runs24h,
    successRate24h: facts.finished24h === 0 ? null : facts.succeeded24h / facts.finished24h,
    unstableRate24h: facts.finished24h === 0 ? null : (facts.succeededWithFailures24h ?? 0) / facts.finished24h,
    medianDurationMs: median(durations),
    openErrors: lastFinished?.errorCount ?? facts.olderFinishedErrorCount ?? 0,
    openErrorsRunId: lastFinished?.id ?? facts.olderFinishedRunId ?? null,
    recent: facts.recent.map(dot).reverse(),
  };
}
