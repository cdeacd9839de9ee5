// The run logger pipelines import: one run = one NDJSON file of pino lines with the contract's events.
//
//   const run = startRun({ pipeline: 'people', club: 'rondo', trigger: 'cron', runsDir })
//   run.log.info('downloading members')                    // a plain pino logger bound to the run
//   const members = await run.step('download', async (step) => {
//     step.progress(0, 1069); ...; step.count({ created: 2, updated: 43 }); return result
//   })
//   run.error({ step: 'submit', identifier: 'KNVB123', system: 'laposta', err })
//   await run.end({ outcome: 'success', stats })
//
// Every line is written synchronously: it is in the file when the call returns, and an exit, an uncaught
// exception, an unhandled rejection or SIGTERM/SIGINT loses nothing. In those cases the run ends with a
// `run.end` failure and its reason, and the process still ends exactly as it would have (see run-logger-hooks).
//
// Adopting it with an existing pino setup, from least to most change:
//  - keep your options: `startRun({ ..., pinoOptions: yourPinoOptions, stdout: true })` and log with `run.log`
//    (`stdout: true` keeps cron mail and shell redirects working; `streams` adds more destinations);
//  - keep your logger instance: add `run.destination` to it and bind `run.bindings`:
//      pino(opts, pino.multistream([{ stream: process.stdout }, { stream: run.destination }])).child(run.bindings)
//    and keep using `run.step`, `run.error`, `run.end` for the events. (Under `runboard exec`, run.destination
//    is stdout itself: drop your own stdout stream there or every line is recorded twice.)
//
// Under `runboard exec` (RUNBOARD_EXEC_RUN set), startRun joins exec's run: lines go to stdout as JSON, which
// exec records structured; no run.start is written, and `end()` writes a run.end that exec takes as the
// pipeline's verdict (exec writes the real run.end when the process exits; see exec-run-outcome).
import pino, { type Logger } from 'pino';
import type { RunOutcome } from './events.js';
import { DEFAULT_CLUB, runFilePath } from './run-path.js';
import { DEFAULT_RUNS_DIR, RUNS_DIR_ENV } from './defaults.js';
import { newRunId } from './run-id.js';
import { execRunFromEnv } from './run-logger-exec-env.js';
import { watchProcessEnd, type AbnormalEnd } from './run-logger-hooks.js';
import { errorMessage, serializeError } from './run-logger-errors.js';
import { RunFileStream, stdoutStream } from './run-logger-stream.js';
import { RunStep, type StepErrorInput, type StepHandle } from './run-logger-step.js';

export type { StepHandle, StepErrorInput } from './run-logger-step.js';

export const TRIGGER_ENV = 'RUNBOARD_TRIGGER';
export { DEFAULT_RUNS_DIR, RUNS_DIR_ENV };

/** `RUNBOARD_RUNS_DIR`, else `./data/runs`. */
export function defaultRunsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[RUNS_DIR_ENV] || DEFAULT_RUNS_DIR;
}

export interface StartRunOptions {
  pipeline: string;
  /** Default `default`. */
  club?: string;
  /** `cron`, `manual`, `web`, `exec` or any word. Default: `RUNBOARD_TRIGGER`, else none. */
  trigger?: string;
  /** Default: `RUNBOARD_RUNS_DIR`, else `./data/runs`. */
  runsDir?: string;
  /**
   * The pipeline's cron schedule (`0 3 * * *`, 6 fields with seconds first, or `@daily`), written on run.start so
   * runboard notices a run that doesn't come. A config file or crontab naming the pipeline takes precedence.
   */
  schedule?: string;
  /** IANA zone the schedule is read in (default: the runboard machine's). */
  timezone?: string;
  /** The run's id; default a new sortable one (`newRunId()`). */
  runId?: string;
  /** Also write every line to stdout (cron mail, shell redirects). Ignored under exec, which already does. */
  stdout?: boolean;
  /** More destinations for every line (e.g. the pipeline's existing log file). */
  streams?: pino.StreamEntry[];
  /** Level of `run.log` (default `info`). Contract events are written whatever the level. */
  level?: pino.LevelWithSilent;
  /** The pipeline's own pino options (timestamp, formatters, messageKey, redact, ...). Not `transport`. */
  pinoOptions?: pino.LoggerOptions;
  /** Least time between two step.progress lines of a step (default 250 ms; the latest value always lands). */
  progressIntervalMs?: number;
  /** End the run on exit, fatal errors and SIGTERM/SIGINT (default true). */
  handleProcessEnd?: boolean;
  /** Environment to look for `runboard exec` in (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** ms since the epoch, used for every line's `time` and every duration instead of the real clock: for
   * replaying or simulating runs (the demo writes a day of history this way). */
  clock?: () => number;
}

export interface RunErrorInput extends StepErrorInput {
  step?: string;
}

export interface RunEndInput {
  /** Default `success`. */
  outcome?: RunOutcome;
  stats?: unknown;
  exitCode?: number;
  reason?: string;
}

export interface RunBindings {
  run: string;
  pipeline: string;
  club: string;
}

export interface RunHandle {
  readonly runId: string;
  readonly pipeline: string;
  readonly club: string;
  /** The run's file; null when the run joined `runboard exec` (lines go to stdout). */
  readonly file: string | null;
  /** True when this process runs under `runboard exec` and joined its run. */
  readonly joinedExec: boolean;
  /** A plain pino logger bound with run, pipeline and club. */
  readonly log: Logger;
  /** `{ run, pipeline, club }`, for binding a logger of your own. */
  readonly bindings: RunBindings;
  /** The run's destination, to add to a pino logger of your own (see the top of this file). */
  readonly destination: pino.DestinationStream;
  readonly ended: boolean;
  /** Runs `fn` as a step: step.start, then step.end with duration, outcome and counts. A throw ends the step as
   * `failure`, records an `error` event, and is rethrown. */
  step<T>(name: string, fn: (step: StepHandle) => T | Promise<T>): Promise<T>;
  /** Records an error of the run (an `error` event, level error). */
  error(input: RunErrorInput): void;
  /** Writes run.end (once; later calls do nothing) and closes the file. */
  end(result?: RunEndInput): Promise<void>;
}

export function startRun(options: StartRunOptions): RunHandle {
  return new Run(options);
}

class Run implements RunHandle {
  readonly runId: string;
  readonly pipeline: string;
  readonly club: string;
  readonly file: string | null;
  readonly joinedExec: boolean;
  readonly log: Logger;
  readonly bindings: RunBindings;
  readonly destination: pino.DestinationStream;
  readonly #events: Logger;
  readonly #fileStream: RunFileStream | null;
  readonly #progressIntervalMs: number;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #stepNames = new Map<string, number>();
  readonly #openSteps = new Set<RunStep>();
  /** Errors already written as `error` events, so a step's rethrown error that then kills the process is not
   * recorded twice. */
  readonly #recordedErrors = new WeakSet<object>();
  #unwatch: (() => void) | null = null;
  #ended = false;

  constructor(options: StartRunOptions) {
    const exec = execRunFromEnv(options.env ?? process.env);
    this.joinedExec = exec !== null;
    this.pipeline = exec?.pipeline ?? options.pipeline;
    this.club = exec?.club ?? options.club ?? DEFAULT_CLUB;
    this.runId = exec?.run ?? options.runId ?? newRunId();
    this.bindings = { run: this.runId, pipeline: this.pipeline, club: this.club };
    this.#progressIntervalMs = options.progressIntervalMs ?? 250;
    const clock = options.clock;
    // Durations from the monotonic clock unless a simulated one is given.
    this.#now = clock ?? (() => performance.now());
    this.#startedAt = this.#now();

    if (exec) {
      this.#fileStream = null;
      this.file = null;
      this.destination = stdoutStream();
    } else {
      this.file = runFilePath(options.runsDir ?? defaultRunsDir(), this.bindings);
      this.#fileStream = new RunFileStream(this.file);
      this.destination = this.#fileStream;
    }
    const extra: pino.StreamEntry[] = [...(options.streams ?? [])];
    if (options.stdout && !exec) extra.unshift({ stream: stdoutStream() });
    const stream =
      extra.length === 0
        ? this.destination
        : pino.multistream([
            { level: 'trace', stream: this.destination },
            ...extra.map((entry) => ({ level: entry.level ?? 'trace', stream: entry.stream })),
          ]);

    const root = pino(
      {
        ...options.pinoOptions,
        level: options.level ?? options.pinoOptions?.level ?? 'info',
        ...(clock ? { timestamp: () => `,"time":${clock()}` } : {}),
      },
      stream,
    );
    this.log = root.child(this.bindings);
    // Contract events must land whatever level the pipeline logs at.
    // Errors are serialized here (errors.ts) so a thrown string or plain object reads as well as an Error; the
    // identity serializer stops pino's err serializer from wrapping that result a second time.
    this.#events = root.child(this.bindings, { level: 'trace', serializers: { err: (err: unknown) => err } });

    if (!exec) {
      const trigger = options.trigger ?? (options.env ?? process.env)[TRIGGER_ENV];
      const fields: Record<string, unknown> = { event: 'run.start' };
      if (trigger) fields.trigger = trigger;
      if (options.schedule) fields.schedule = options.schedule;
      if (options.schedule && options.timezone) fields.timezone = options.timezone;
      this.#events.info(fields, `run of ${this.pipeline} started`);
    }
    if (options.handleProcessEnd !== false) {
      this.#unwatch = watchProcessEnd({
        endAbnormally: (end) => this.#endAbnormally(end),
        note: (msg, err) => (err === undefined ? this.#events.warn(msg) : this.#writeError({ err, msg })),
      });
    }
  }

  get ended(): boolean {
    return this.#ended;
  }

  async step<T>(name: string, fn: (step: StepHandle) => T | Promise<T>): Promise<T> {
    const stepName = this.#uniqueStepName(name);
    const step = new RunStep(stepName, {
      events: this.#events.child({ step: stepName }),
      log: this.log.child({ step: stepName }),
      progressIntervalMs: this.#progressIntervalMs,
      now: this.#now,
      recordError: (stepName, input) => this.#writeError({ ...input, step: stepName }),
    });
    this.#openSteps.add(step);
    try {
      const result = await fn(step);
      step.finish();
      return result;
    } catch (err) {
      this.#writeError({ step: step.name, err });
      step.finish('failure', errorMessage(err));
      throw err;
    } finally {
      this.#openSteps.delete(step);
    }
  }

  error(input: RunErrorInput): void {
    this.#writeError(input);
  }

  end(result: RunEndInput = {}): Promise<void> {
    if (this.#ended) return Promise.resolve();
    this.#writeEnd({
      outcome: result.outcome ?? 'success',
      stats: result.stats,
      exitCode: result.exitCode ?? null,
      reason: result.reason ?? null,
    });
    this.#fileStream?.close();
    return Promise.resolve();
  }

  #uniqueStepName(name: string): string {
    const seen = (this.#stepNames.get(name) ?? 0) + 1;
    this.#stepNames.set(name, seen);
    return seen === 1 ? name : `${name}#${seen}`;
  }

  #writeError(input: RunErrorInput): void {
    const fields: Record<string, unknown> = { event: 'error' };
    if (input.step !== undefined) fields.step = input.step;
    if (input.identifier !== undefined) fields.identifier = String(input.identifier);
    if (input.system !== undefined) fields.system = input.system;
    if (input.err !== undefined) {
      fields.err = serializeError(input.err);
      if (input.err !== null && typeof input.err === 'object') this.#recordedErrors.add(input.err);
    }
    const msg = input.msg ?? (input.err !== undefined ? errorMessage(input.err) : 'error');
    this.#events.error(fields, msg);
  }

  #endAbnormally(end: AbnormalEnd): void {
    if (this.#ended) return;
    for (const step of this.#openSteps) step.finish('failure', end.reason);
    const err = end.err;
    const alreadyRecorded = err !== null && typeof err === 'object' && this.#recordedErrors.has(err);
    if (err !== undefined && !alreadyRecorded) this.#writeError({ err, msg: end.reason });
    this.#writeEnd({ outcome: end.outcome, stats: undefined, exitCode: end.exitCode, reason: end.reason });
  }

  #writeEnd(end: { outcome: RunOutcome; stats: unknown; exitCode: number | null; reason: string | null }): void {
    this.#ended = true;
    this.#unwatch?.();
    this.#unwatch = null;
    const fields: Record<string, unknown> = {
      event: 'run.end',
      outcome: end.outcome,
      durationMs: Math.round(this.#now() - this.#startedAt),
    };
    if (end.stats !== undefined) fields.stats = end.stats;
    if (end.exitCode !== null) fields.exitCode = end.exitCode;
    if (end.reason) fields.reason = end.reason;
    const msg = `run ${end.outcome}${end.reason ? `: ${end.reason}` : ''}`;
    if (end.outcome === 'failure') this.#events.error(fields, msg);
    else this.#events.info(fields, msg);
  }
}
