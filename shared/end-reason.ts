// A run's end reason as `runboard exec` writes it for a failed command: why it ended, then a marker line, then the
// last lines the command wrote to stderr. Pure and dependency-free: the writer (exec) and the run page share it, so
// the page finds the tail by the very marker the writer put there.

export const STDERR_TAIL_MARKER = '--- last lines on stderr ---';

/** The reason with the stderr tail appended (`reason` null: "failed"); the tail as is when there is none. */
export function joinStderrTail(reason: string | null, tail: string | null): string | null {
  if (tail === null) return reason;
  return `${reason ?? 'failed'}\n${STDERR_TAIL_MARKER}\n${tail}`;
}

export interface EndReasonParts {
  /** The reason's first line ("exited with code 3"). */
  headline: string;
  /** Whatever else the reason says before the tail (other lines of a multi-line reason), or null. */
  details: string | null;
  /** The stderr lines after the marker, or null when the reason has no tail. */
  stderrTail: string | null;
}

/**
 * Splits a reason at the first marker line. A reason written by anything else (a run logger's "uncaught exception:
 * ...", a pipeline's own run.end) has no marker and comes back whole as headline and details.
 */
export function splitEndReason(reason: string): EndReasonParts {
  const marker = `\n${STDERR_TAIL_MARKER}\n`;
  const at = reason.indexOf(marker);
  const head = at === -1 ? reason : reason.slice(0, at);
  const stderrTail = at === -1 ? null : reason.slice(at + marker.length);
  const newline = head.indexOf('\n');
  const headline = newline === -1 ? head : head.slice(0, newline);
  const details = newline === -1 ? null : head.slice(newline + 1);
  return { headline, details: details === '' ? null : details, stderrTail: stderrTail === '' ? null : stderrTail };
}
