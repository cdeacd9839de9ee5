// Health states and the shapes the shell, the API, the live overview and the alerts issue share. No imports, so the
// browser bundle can use it without pulling in croner.

/**
 * Every state, most urgent first; when several hold, the first one is the state and the rest are `conditions`.
 * The order is what an operator acts on first:
 * - `missed`, `late`: the expected work is not happening at all, and nothing else in runboard would show it (a
 *   silent cron is the failure this whole feature exists for). Missed is late that has gone on for a whole period.
 * - `stuck`: a run is hanging now; it also explains later late/missed/overlap, but those say the work isn't done,
 *   which matters more than why.
 * - `failing`: the last run's result is bad; a retry that is now running doesn't clear it until it succeeds.
 * - `overlap`: two runs at once risk doing the work twice; a schedule or locking problem, less urgent than a failure.
 * - `too-short`, `unstable`: "successful" runs that look wrong; worth a look, not a page.
 * - `running`: information only; `ok`: nothing to say.
 */
export const HEALTH_STATES = [
  'missed',
  'late',
  'stuck',
  'failing',
  'overlap',
  'too-short',
  'unstable',
  'running',
  'ok',
] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** 0 for the most urgent state; the overview sorts pipelines by it. */
export function healthUrgency(state: HealthState): number {
  return HEALTH_STATES.indexOf(state);
}

/** What the shell stores per pipeline (and reads back after a restart). */
export interface StoredHealth {
  state: HealthState;
  /** When the current state began; unchanged while the state stays the same, so a restart doesn't re-announce. */
  since: number;
  reason: string;
  /** When runboard started watching this pipeline: a pipeline with no run yet is only late for due times after it. */
  watchingSince?: number;
}

/** What `GET /api/pipelines` items carry as `health`, and the live `overview` topic pushes. */
export interface PipelineHealthView {
  state: HealthState;
  since: number;
  reason: string;
  /** The expression as its source wrote it; null without a schedule. */
  schedule: string | null;
  /** The schedule in words ("At 03:00"); null without a schedule. */
  scheduleText: string | null;
  /** `config`, a crontab's `file:line`, or `run`; null without a schedule. */
  scheduleSource: string | null;
  timezone: string | null;
  nextDueAt: number | null;
  lastDueAt: number | null;
}

/** What the health shell emits when a pipeline's state changes: the alerts issue listens to these. */
export interface HealthTransition {
  club: string;
  pipeline: string;
  /** null the first time a pipeline is judged. */
  from: StoredHealth | null;
  to: StoredHealth;
}
