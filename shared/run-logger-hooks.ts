// Ending open runs when the process ends abnormally — without changing how it ends.
// One set of process listeners serves every open run in the process; they come off when the last run ends.
//  - uncaughtExceptionMonitor: observes a fatal exception or unhandled rejection before Node prints it and exits,
//    so the exit code and the printed error stay exactly what they would have been.
//  - SIGTERM/SIGINT: a listener replaces Node's default (die), so after writing run.end we take ours off and
//    send the signal again: the process then dies of it as it would have. If the program has its own
//    listener, it decided what the signal means; we only note it and let the exit hook end the run.
//  - exit: process.exit() or a drained event loop with a run still open.
import { constants } from 'node:os';
import type { RunOutcome } from './events.js';

/** How a run ended because its process did. */
export interface AbnormalEnd {
  outcome: RunOutcome;
  reason: string;
  exitCode: number | null;
  /** The exception or rejection value, when there was one. */
  err?: unknown;
}

/** What a process-level event means for an open run. */
export interface ProcessEndTarget {
  /** The process is going down: write run.end now, synchronously. */
  endAbnormally(end: AbnormalEnd): void;
  /** The process lives on (the program handles this itself), but the run should record it. */
  note(msg: string, err?: unknown): void;
}

const HANDLED_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type HandledSignal = (typeof HANDLED_SIGNALS)[number];

/** Marks our listeners, so a second copy of this module (two runboard versions in one tree) is not mistaken
 * for the program's own handler. */
const HOOK_MARK = Symbol.for('runboard.process-hook');
type Marked = { [HOOK_MARK]?: true };

const targets = new Set<ProcessEndTarget>();
let removeListeners: (() => void) | null = null;

/** Registers an open run; returns the function that unregisters it (call it when the run ends). */
export function watchProcessEnd(target: ProcessEndTarget): () => void {
  targets.add(target);
  removeListeners ??= installListeners();
  return () => {
    targets.delete(target);
    if (targets.size === 0 && removeListeners) {
      removeListeners();
      removeListeners = null;
    }
  };
}

/** How many process hooks are installed (for tests: they must come off when runs end). */
export function installedHookCount(): number {
  let count = 0;
  for (const name of ['exit', 'uncaughtExceptionMonitor', ...HANDLED_SIGNALS] as const) {
    count += process.listeners(name as NodeJS.Signals).filter((listener) => (listener as Marked)[HOOK_MARK]).length;
  }
  return count;
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message || value.name;
  try {
    return typeof value === 'string' ? value : String(value);
  } catch {
    return 'unprintable value';
  }
}

function endAll(end: AbnormalEnd): void {
  for (const target of [...targets]) {
    try {
      target.endAbnormally(end);
    } catch {
      // Never let bookkeeping change how the process ends.
    }
  }
}

function noteAll(msg: string, err?: unknown): void {
  for (const target of [...targets]) {
    try {
      target.note(msg, err);
    } catch {
      // as above
    }
  }
}

function foreignListeners(event: string): number {
  return process.listeners(event as NodeJS.Signals).filter((listener) => !(listener as Marked)[HOOK_MARK]).length;
}

function installListeners(): () => void {
  const onFatal = (err: unknown, origin: NodeJS.UncaughtExceptionOrigin): void => {
    const what = origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception';
    if (foreignListeners('uncaughtException') > 0) {
      // The program's own handler decides whether this is fatal; the exit hook ends the run if it is.
      noteAll(`${what}: ${describe(err)}`, err);
      return;
    }
    endAll({ outcome: 'failure', reason: `${what}: ${describe(err)}`, exitCode: 1, err });
  };
  const onExit = (code: number): void => {
    endAll({
      outcome: code === 0 ? 'success' : 'failure',
      reason: `process exited with code ${code} before run.end`,
      exitCode: code,
    });
  };
  const onSignal = (signal: HandledSignal): void => {
    if (foreignListeners(signal) > 0) {
      noteAll(`received ${signal}`);
      return;
    }
    endAll({ outcome: 'failure', reason: `received ${signal}`, exitCode: 128 + constants.signals[signal] });
    remove();
    removeListeners = null;
    process.kill(process.pid, signal);
  };
  const signalListeners = HANDLED_SIGNALS.map((signal) => {
    const listener = (): void => onSignal(signal);
    return [signal, listener] as const;
  });
  for (const listener of [onFatal, onExit, ...signalListeners.map(([, l]) => l)]) {
    (listener as Marked)[HOOK_MARK] = true;
  }
  process.on('uncaughtExceptionMonitor', onFatal);
  process.on('exit', onExit);
  for (const [signal, listener] of signalListeners) process.on(signal, listener);

  function remove(): void {
    process.off('uncaughtExceptionMonitor', onFatal);
    process.off('exit', onExit);
    for (const [signal, listener] of signalListeners) process.off(signal, listener);
  }
  return remove;
}
