// The run page's live state, DOM-free: what one batch of live messages does to it, and a REST snapshot with the
// batches that arrived while it was in flight put back on top (its answer may predate them: without this, a reload
// that lands after a live update shows the older counts until the next change).
import type { ErrorView, LiveDataMessage, RunDetail } from '../shared/api.js';
import { mergeSteps } from './overview-model.js';
import { mergeErrors } from './run-errors-model.js';

export interface RunLiveState {
  run: RunDetail | null;
  errors: ErrorView[];
  /** Every earlier error is loaded: live ones are appended (otherwise "show more" brings them in order). */
  errorsComplete: boolean;
  /** Deleted by retention, or its file started over as a new run. */
  removed: boolean;
}

export function applyRunMessages(
  state: RunLiveState,
  messages: readonly LiveDataMessage[],
  runId: number,
): RunLiveState {
  let { run, errors, removed } = state;
  for (const message of messages) {
    if (message.type === 'runs') {
      const update = message.runs.find((r) => r.id === runId);
      if (update && run && (update.lastEventAt ?? 0) >= (run.lastEventAt ?? 0)) run = { ...update, steps: run.steps };
    } else if (message.type === 'steps' && message.runId === runId && run) {
      run = { ...run, steps: mergeSteps(run.steps, message.steps) };
    } else if (message.type === 'removed' && message.runIds.includes(runId)) {
      removed = true;
    } else if (message.type === 'errors' && state.errorsComplete) {
      const mine = message.errors.filter((e) => e.runId === runId);
      if (mine.length > 0) errors = mergeErrors(errors, mine);
    }
  }
  return { ...state, run, errors, removed };
}

/** A snapshot with the batches held while it was fetched applied on top, oldest first (re-applying is harmless). */
export function snapshotWithHeld(
  snapshot: RunLiveState,
  held: readonly (readonly LiveDataMessage[])[],
  runId: number,
): RunLiveState {
  return held.reduce((state, batch) => applyRunMessages(state, batch, runId), snapshot);
}
