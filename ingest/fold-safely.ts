// The fold, guarded: an exception while folding one line (a bug, or a value no check foresaw) must never stop the
// file it came from. Pure, like the fold.
import type { RejectRecord } from './classify-lines.js';
import {
  DEFAULT_FOLD_OPTIONS,
  foldLines,
  type FoldLine,
  type FoldOptions,
  type FoldResult,
  type NewErrorRow,
  type NewLogRow,
  type RunState,
} from './fold.js';

/**
 * Folds `lines` into `state`. If the batch fold throws, folds line by line instead (the fold never mutates its
 * input, so a failed line leaves the state as it was) and appends a `fold_failed` reject for each line that throws.
 */
export function foldSafely(
  state: RunState,
  lines: readonly FoldLine[],
  failed: RejectRecord[],
  options: FoldOptions = DEFAULT_FOLD_OPTIONS,
): FoldResult {
  try {
    return foldLines(state, lines, options);
  } catch {
    // Fall through: find the line(s) at fault.
  }
  let current = state;
  const logs: NewLogRow[] = [];
  const errors: NewErrorRow[] = [];
  const touched = new Set<string>();
  for (const item of lines) {
    let result: FoldResult;
    try {
      result = foldLines(current, [item], options);
    } catch (error) {
      failed.push({
        offset: item.offset,
        reason: 'fold_failed',
        detail: `could not be folded into its run: ${error instanceof Error ? error.message : String(error)}`.slice(
          0,
          300,
        ),
        excerpt: item.line.msg === null ? null : item.line.msg.slice(0, 200),
        lineBytes: null,
      });
      continue;
    }
    current = result.state;
    logs.push(...result.logs);
    errors.push(...result.errors);
    for (const name of result.touchedSteps) touched.add(name);
  }
  return { state: current, logs, errors, touchedSteps: [...touched] };
}

/** A batch's accepted lines folded onto their run's state as last committed, ready for the store to write. */
export interface FoldedBatch {
  /** The state folded from (the run as committed before this batch). */
  from: RunState;
  /** Its fold options: the store folds again with them if some lines turn out to be stored already (a replay). */
  options: FoldOptions;
  result: FoldResult;
  /** `fold_failed` rejects for lines the fold threw on. */
  failed: RejectRecord[];
}

/** Pure: fold a batch's accepted lines onto `from`, guarded (see foldSafely). */
export function foldBatch(from: RunState, lines: readonly FoldLine[], options: FoldOptions): FoldedBatch {
  const failed: RejectRecord[] = [];
  const result = foldSafely(from, lines, failed, options);
  return { from, options, result, failed };
}
