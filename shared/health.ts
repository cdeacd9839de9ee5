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
