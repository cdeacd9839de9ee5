// Pure part of `runboard exec`: how the wrapped command ended → the run's run.end and runboard's exit code.
import { constants } from 'node:os';
import type { Json, RunOutcome } from './events.js';
import type { ReportedRunEnd } from './exec-run-lines.js';

export type ChildEnd =
  | { kind: 'exited'; code: number }
  | { kind: 'signalled'; signal: NodeJS.Signals }
  | { kind: 'spawn-failed'; message: string; errno: string | null };

export interface ExecRunEnd {
  outcome: RunOutcome;
  /** Recorded as run.end `exitCode`, and what runboard exits with. */
  exitCode: number;
  reason: string | null;
  stats: Json | null;
}

/**
 * The exit code decides first: non-zero or a signal is a failure whatever the program reported. A zero exit
 * takes the program's own verdict when it wrote one (a joined startRun that ended `failure` but exited 0 failed).
 * A signalled child exits runboard with 128+n, as shells report it.
 */
export function execRunEnd(child: ChildEnd, reported: ReportedRunEnd | null): ExecRunEnd {
  const stats = reported?.stats ?? null;
  switch (child.kind) {
    case 'exited':
      if (child.code === 0) {
        if (reported?.outcome === 'failure') {
          return { outcome: 'failure', exitCode: 0, reason: reported.reason ?? 'the command reported failure', stats };
        }
        return { outcome: 'success', exitCode: 0, reason: null, stats };
      }
      return {
        outcome: 'failure',
        exitCode: child.code,
        reason: reported?.outcome === 'failure' && reported.reason ? reported.reason : `exited with code ${child.code}`,
        stats,
      };
    case 'signalled':
      return {
        outcome: 'failure',
        exitCode: 128 + (constants.signals[child.signal] ?? 0),
        reason: `killed by ${child.signal}`,
        stats,
      };
    case 'spawn-failed':
      // Shell conventions: 127 command not found, 126 found but not executable.
      return {
        outcome: 'failure',
        exitCode: child.errno === 'EACCES' ? 126 : 127,
        reason: `could not start the command: ${child.message}`,
        stats: null,
      };
  }
}
