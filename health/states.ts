// Health states, most urgent first. Imports only types, so it stays free of croner.
import type { HealthState } from '../shared/health.js';

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
] as const satisfies readonly HealthState[];
export type { HealthState };
// Every state is in the list exactly when shared/health.ts names it: this fails to compile if the two drift.
const _everyStateListed: HealthState extends (typeof HEALTH_STATES)[number] ? true : never = true;
void _everyStateListed;

/** 0 for the most urgent state; the overview sorts pipelines by it. */
export function healthUrgency(state: HealthState): number {
  return HEALTH_STATES.indexOf(state);
}

// The shapes live in shared/ (server, ingest and the browser need them; they must not import health/).
export type { HealthTransition, PipelineHealthView, StoredHealth } from '../shared/health.js';
