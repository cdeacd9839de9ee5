// Folding live run updates into the overview's pipeline list. Pure, so it is unit-tested in node.
import { emptyPipelineSummary, type PipelineSummary, type RunDot, type RunView, type StepView } from '../shared/api.js';
import type { PipelineHealthChange } from '../shared/health.js';
import { urgencyOf } from './health-words.js';

export const STRIP_LENGTH = 20;

function pipelineKey(club: string, pipeline: string): string {
  return `${club}\u0000${pipeline}`;
}

/**
 * Newer-than order of runs, as the API sorts them: by start time, then id; a run without a start time
 * (no run.start line) counts as older than any started one.
 */
export function compareRecency(
  a: { id: number; startedAt: number | null },
  b: { id: number; startedAt: number | null },
): number {
  if (a.startedAt !== b.startedAt) {
    if (a.startedAt === null) return -1;
    if (b.startedAt === null) return 1;
    return a.startedAt - b.startedAt;
  }
  return a.id - b.id;
}

function dotOf(run: RunView): RunDot {
  return {
    id: run.id,
    status: run.status,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    failed: run.counts.failed,
  };
}

function withDot(recent: readonly RunDot[], dot: RunDot): RunDot[] {
  const index = recent.findIndex((d) => d.id === dot.id);
  if (index >= 0) return recent.map((d, i) => (i === index ? dot : d));
  const next = [...recent, dot].sort(compareRecency);
  return next.slice(Math.max(0, next.length - STRIP_LENGTH));
}

function emptySummary(run: RunView): PipelineSummary {
  return emptyPipelineSummary(run.club, run.pipeline, null);
}

/** An update older than what is shown (a batch replayed over a newer REST snapshot) must not win. */
export function isStale(incoming: RunView, shown: RunView | null): boolean {
  if (shown === null || shown.id !== incoming.id) return false;
  return (incoming.lastEventAt ?? 0) < (shown.lastEventAt ?? 0);
}

/** One run's new state: it becomes the pipeline's last run when it is that run or a newer one. */
export function applyRun(pipelines: readonly PipelineSummary[], run: RunView): PipelineSummary[] {
  const key = pipelineKey(run.club, run.pipeline);
  const index = pipelines.findIndex((p) => pipelineKey(p.club, p.pipeline) === key);
  const current = index >= 0 ? pipelines[index]! : emptySummary(run);
  const last = current.lastRun;
  if (isStale(run, last)) return pipelines.slice();
  const isLast = last === null || run.id === last.id || compareRecency(run, last) > 0;
  const isNew = !current.recent.some((d) => d.id === run.id) && (last === null || run.id !== last.id);
  const updated: PipelineSummary = {
    ...current,
    recent: withDot(current.recent, dotOf(run)),
    runs24h: current.runs24h + (isNew ? 1 : 0),
  };
  if (isLast) {
    updated.lastRun = run;
    if (last === null || last.id !== run.id) updated.lastRunSteps = [];
    // The open errors are the last finished run's.
    if (run.status !== 'running') {
      updated.openErrors = run.errorCount;
      updated.openErrorsRunId = run.id;
    }
  }
  if (index >= 0) return pipelines.map((p, i) => (i === index ? updated : p));
  return [...pipelines, updated];
}

export function applyRuns(pipelines: readonly PipelineSummary[], runs: readonly RunView[]): PipelineSummary[] {
  let next = pipelines.slice();
  for (const run of runs) next = applyRun(next, run);
  return next;
}

/** Steps of a pipeline's running last run (progress bars). Steps of other runs are ignored. */
export function applySteps(
  pipelines: readonly PipelineSummary[],
  runId: number,
  steps: readonly StepView[],
): PipelineSummary[] {
  return pipelines.map((p) =>
    p.lastRun?.id === runId ? { ...p, lastRunSteps: mergeSteps(p.lastRunSteps, steps) } : p,
  );
}

/** Step updates may carry only the steps that changed: merge by name, keep the timeline order. */
export function mergeSteps(current: readonly StepView[], updates: readonly StepView[]): StepView[] {
  const byName = new Map(current.map((s) => [s.name, s]));
  for (const step of updates) byName.set(step.name, step);
  return [...byName.values()].sort((a, b) => a.seq - b.seq);
}

export interface ClubGroup {
  club: string;
  pipelines: PipelineSummary[];
}

/** Most urgent first (missed, late, stuck, failing, ...), then by name. */
function byUrgency(a: PipelineSummary, b: PipelineSummary): number {
  return urgencyOf(a.health) - urgencyOf(b.health) || a.pipeline.localeCompare(b.pipeline);
}

/** Clubs with their most urgent pipeline first (then by name); within a club, pipelines by urgency, then name. */
export function groupByClub(pipelines: readonly PipelineSummary[], club: string | null): ClubGroup[] {
  const groups = new Map<string, PipelineSummary[]>();
  for (const p of pipelines) {
    if (club !== null && p.club !== club) continue;
    const list = groups.get(p.club) ?? [];
    list.push(p);
    groups.set(p.club, list);
  }
  const sorted = [...groups.entries()].map(([name, list]) => ({ club: name, pipelines: list.sort(byUrgency) }));
  const top = (group: ClubGroup): number => urgencyOf(group.pipelines[0]?.health ?? null);
  return sorted.sort((a, b) => top(a) - top(b) || a.club.localeCompare(b.club));
}

/** Health pushed on the live overview topic; a pipeline not listed yet (scheduled, no run) is added. */
export function applyHealth(
  pipelines: readonly PipelineSummary[],
  items: readonly PipelineHealthChange[],
): PipelineSummary[] {
  let next = pipelines.slice();
  for (const item of items) {
    const key = pipelineKey(item.club, item.pipeline);
    const index = next.findIndex((p) => pipelineKey(p.club, p.pipeline) === key);
    if (index >= 0) next = next.map((p, i) => (i === index ? { ...p, health: item.health } : p));
    else next = [...next, emptyPipelineSummary(item.club, item.pipeline, item.health)];
  }
  return next;
}

/** Pipelines whose last run is running, longest-running first: shown on top. */
export function runningPipelines(pipelines: readonly PipelineSummary[], club: string | null): PipelineSummary[] {
  return pipelines
    .filter((p) => p.lastRun?.status === 'running' && (club === null || p.club === club))
    .sort((a, b) => (a.lastRun!.startedAt ?? 0) - (b.lastRun!.startedAt ?? 0));
}

export function clubsOf(pipelines: readonly PipelineSummary[]): string[] {
  return [...new Set(pipelines.map((p) => p.club))].sort((a, b) => a.localeCompare(b));
}

/** The step to show on a running run's progress bar: the running one with the latest start. */
export function activeStep(steps: readonly StepView[]): StepView | null {
  let best: StepView | null = null;
  for (const step of steps) {
    if (step.status !== 'running') continue;
    if (best === null || (step.startedAt ?? 0) >= (best.startedAt ?? 0)) best = step;
  }
  return best;
}
