// Pipeline health as the API, the live socket, the store and the alerts issue see it. Types and one constant list
// only (the judge lives in health/, the API's shapes in api-schemas.ts and health-schemas.ts), so server/, ingest/
// and the browser can use them without importing health/ or TypeBox.
import type { RunStatus } from './events.js';

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

/** What the health judge reads of a run: the store selects it (ingest/health-store.ts), health/evaluate.ts judges it. */
export interface RunForHealth {
  id: string;
  status: RunStatus;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  created: number;
  updated: number;
  failed: number;
  errorCount: number;
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

/**
 * How a scheduled occurrence was answered, or a run that answers none:
 * - `on-time`: a run started by due + grace (possibly a little before the due time: `delayMs` < 0);
 * - `late`: a run started after due + grace, before the next occurrence;
 * - `missed`: no run started before the next occurrence came due;
 * - `overdue`: no run yet, due + grace has passed, the next is not due yet (health says `late`);
 * - `waiting`: no run yet, still within grace;
 * - `extra`: a run that answers no occurrence (a manual run, or a second run for one occurrence).
 */
export const START_TIMINGS = ['on-time', 'late', 'missed', 'overdue', 'waiting', 'extra'] as const;
export type StartTiming = (typeof START_TIMINGS)[number];

// A pipeline's histories (its health changes, its expected against actual starts) are API shapes, written once as
// schemas in shared/health-schemas.ts.
export type { HealthHistoryEntry, ScheduledStart, ScheduleHistoryView } from './health-schemas.js';
