// Runs that will never write their run.end: the writer on this host is gone, or the run has been silent too long.
// The decisions only; the store writes them (store-silent-runs.ts).
import type { RunStatus } from '../shared/events.js';
import type { RunRow } from '../shared/schema.js';

export interface AbandonCheck {
  now: number;
  /** This machine's hostname: a pid only means something on the host that wrote it. */
  hostname: string;
  staleAfterMs: number;
  isPidAlive(pid: number): boolean;
}

/** Pure decision: why a running run is abandoned, or null if it may still be alive. */
export function abandonReason(
  run: Pick<RunRow, 'status' | 'host' | 'pid' | 'lastEventAt'>,
  check: AbandonCheck,
): string | null {
  if (run.status !== 'running') return null;
  if (run.host !== null && run.host === check.hostname && run.pid !== null && !check.isPidAlive(run.pid)) {
    return `writer process ${run.pid} on ${run.host} is gone without a run.end`;
  }
  if (run.lastEventAt !== null && check.now - run.lastEventAt > check.staleAfterMs) {
    return `silent for more than ${Math.round(check.staleAfterMs / 1000)} s without a run.end`;
  }
  return null;
}

/** What a run's lines promised, for judging its silence. */
export interface RunPromise {
  /** It wrote a contract event (run.start, step.*, error, run.end): it promised a run.end. */
  announcedContract: boolean;
  /** It logged a fatal (60+) line. */
  loggedFatal: boolean;
}

/**
 * Pure: how a run whose writer is gone ends. A writer that announced the contract promised a run.end, so silence is
 * a crash (abandoned). A plain pino file never promised one: its outcome is not recorded (ended), unless it logged a
 * fatal line (failure). Never success: a process that died of an uncaught exception writes nothing more.
 */
export function silentRunEnd(
  promise: RunPromise,
  goneReason: string,
): { status: Extract<RunStatus, 'abandoned' | 'ended' | 'failure'>; reason: string } {
  if (promise.announcedContract) return { status: 'abandoned', reason: goneReason };
  if (promise.loggedFatal) return { status: 'failure', reason: `logged a fatal line; ${goneReason}` };
  return {
    status: 'ended',
    reason:
      `outcome not recorded: the file has no run.end (${goneReason}). ` +
      'Run it under `runboard exec`, or end it with a run.end event, to record its outcome.',
  };
}

/** Whether a process exists on this host. EPERM means it exists but belongs to someone else. */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
