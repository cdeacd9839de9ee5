// Geometry of the step timeline (a Gantt over the run's span). Pure.
import type { StepView } from '../shared/api.js';

export interface TimelineBar {
  step: StepView;
  /** Left edge and width as fractions (0..1) of the run's span. */
  left: number;
  width: number;
  /** The bar's elapsed time: its duration, or up to now while running. */
  elapsedMs: number | null;
}

export interface TimelineSpan {
  start: number;
  end: number;
}

/** The run's span: from its start (or its first step's) to its end, or to now while anything runs. */
export function timelineSpan(
  run: { startedAt: number | null; finishedAt: number | null },
  steps: readonly StepView[],
  now: number,
): TimelineSpan | null {
  const starts = steps.flatMap((s) => (s.startedAt === null ? [] : [s.startedAt]));
  const start = run.startedAt ?? (starts.length > 0 ? Math.min(...starts) : null);
  if (start === null) return null;
  const ends = steps.map((s) => s.finishedAt ?? (s.status === 'running' ? now : (s.startedAt ?? start)));
  const end = Math.max(run.finishedAt ?? now, ...ends, start + 1);
  return { start, end };
}

export function timelineBars(span: TimelineSpan, steps: readonly StepView[], now: number): TimelineBar[] {
  const total = Math.max(1, span.end - span.start);
  return [...steps]
    .sort((a, b) => a.seq - b.seq)
    .map((step) => {
      if (step.startedAt === null) return { step, left: 0, width: 0, elapsedMs: null };
      const end = step.finishedAt ?? (step.status === 'running' ? now : step.startedAt + (step.durationMs ?? 0));
      const left = Math.min(1, Math.max(0, (step.startedAt - span.start) / total));
      const width = Math.min(1 - left, Math.max(0, (end - step.startedAt) / total));
      return { step, left, width, elapsedMs: step.durationMs ?? Math.max(0, end - step.startedAt) };
    });
}
