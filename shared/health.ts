// Pipeline health as the API, the live socket, the store and the alerts issue see it. Types only (the judge lives
// in health/), so server/, ingest/ and the browser can use them without importing health/.

/** Most urgent first; health/states.ts holds the ordered list and why it is in that order. */
export type HealthState =
  'missed' | 'late' | 'stuck' | 'failing' | 'overlap' | 'too-short' | 'unstable' | 'running' | 'ok';

/** What is stored per pipeline (and read back after a restart). */
export interface StoredHealth {
  state: HealthState;
  /** When the current state began; unchanged while the state stays the same, so a restart doesn't re-announce. */
  since: number;
  reason: string;
  /** When runboard started watching this pipeline: a pipeline with no run yet is only late for due times after it. */
  watchingSince?: number;
}

// The verdict with its schedule (PipelineHealthView) and with its urgency (PipelineHealth, as `GET /api/pipelines`
// and the live `overview` topic carry it) are API shapes, written once as schemas in shared/api-schemas.ts.
import type { PipelineHealth } from './api-schemas.js';

export type { PipelineHealth, PipelineHealthView } from './api-schemas.js';

/** One pipeline's health in a live `health` message. */
export interface PipelineHealthChange {
  club: string;
  pipeline: string;
  health: PipelineHealth;
}

/** What the health shell emits when a pipeline's state changes: the alerts issue listens to these. */
export interface HealthTransition {
  club: string;
  pipeline: string;
  /** null the first time a pipeline is judged. */
  from: StoredHealth | null;
  to: StoredHealth;
  /** When the change was noticed (ms). */
  at: number;
}

/** One change of a pipeline's health state, as stored in `pipeline_health_history`. */
export interface HealthHistoryEntry {
  id: number;
  club: string;
  pipeline: string;
  /** null for the first judgement of the pipeline. */
  from: HealthState | null;
  to: HealthState;
  /** When the new state began (can be before `at`: late since due + grace). */
  since: number;
  reason: string;
  /** When runboard noticed the change. */
  at: number;
}

/**
 * How a scheduled occurrence was answered, or a run that answers none:
 * - `on-time`: a run started by due + grace (possibly a little before the due time: `delayMs` < 0);
 * - `late`: a run started after due + grace, before the next occurrence;
 * - `missed`: no run started before the next occurrence came due;
 * - `overdue`: no run yet, due + grace has passed, the next is not due yet (health says `late`);
 * - `waiting`: no run yet, still within grace;
 * - `extra`: a run that answers no occurrence (a manual run, or a second run for one occurrence).
 */
export type StartTiming = 'on-time' | 'late' | 'missed' | 'overdue' | 'waiting' | 'extra';
export const START_TIMINGS: readonly StartTiming[] = ['on-time', 'late', 'missed', 'overdue', 'waiting', 'extra'];

/** One scheduled occurrence and the run that answered it (or none), or an extra run. */
export interface ScheduledStart {
  /** The occurrence (ms); null for an `extra` run. */
  dueAt: number | null;
  timing: StartTiming;
  runId: number | null;
  startedAt: number | null;
  /** startedAt − dueAt: negative when the run started before its due time; null without both. */
  delayMs: number | null;
}

/** GET /api/pipelines/:club/:pipeline/schedule-history: expected against actual start times, newest first. */
export interface ScheduleHistoryView {
  club: string;
  pipeline: string;
  /** null without a schedule: then `starts` is empty (there is nothing to compare a start against). */
  schedule: string | null;
  scheduleText: string | null;
  scheduleSource: string | null;
  timezone: string | null;
  graceMs: number;
  /** Occurrences before this were not expected (runboard was not watching and no run was recorded yet). */
  expectedSince: number | null;
  starts: ScheduledStart[];
}
