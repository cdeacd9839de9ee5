// `runboard exec`: runs any command as a run. Its output lines become the run's log lines (exec-run-lines), its
// exit becomes run.end (exec-run-outcome); signals sent to runboard are passed on to it.
//
// It lives in shared/ next to the run logger because it is the same side of the file boundary — a writer of
// run files — and a Node program may call execRun() to wrap a sub-command; the CLI command is a thin shell.
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { LEVELS } from './events.js';
import { execRunEnd, type ChildEnd, type ExecRunEnd } from './exec-run-outcome.js';
import {
  LineSplitter,
  mapOutputLine,
  type ExecLineOptions,
  type ReportedRunEnd,
  DEFAULT_EXEC_MAX_LINE_BYTES,
} from './exec-run-lines.js';
import { DEFAULT_STDERR_POLICY, reasonWithStderr, StderrTail, type StderrPolicy } from './exec-stderr.js';
import { DEFAULT_CLUB, runFilePath } from './run-path.js';
import { newRunId } from './run-id.js';
import { defaultRunsDir } from './run-logger.js';
import { execRunEnv, type ExecRunIdentity } from './run-logger-exec-env.js';
import { RunFileStream } from './run-logger-stream.js';

export interface ExecRunOptions {
  pipeline: string;
  club?: string;
  /** Default: `RUNBOARD_RUNS_DIR`, else `./data/runs`. */
  runsDir?: string;
  /** Default `exec`. */
  trigger?: string;
  /** The pipeline's cron schedule, written on run.start (a config file or crontab naming it takes precedence). */
  schedule?: string;
  /** IANA zone of the schedule (default: the runboard machine's). */
  timezone?: string;
  command: string;
  args?: string[];
  /** Don't echo the command's output on runboard's own stdout/stderr (echoing keeps cron mail working). */
  quiet?: boolean;
  maxLineBytes?: number;
  /** Signals passed on to the command. */
  forwardSignals?: NodeJS.Signals[];
  /** How long to wait for the command's output to close after it exited (a background grandchild may hold it). */
  drainTimeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Which stderr text lines count as errors (default: warn, and error when they match the default pattern). */
  stderr?: StderrPolicy;
  /** The field of the program's error lines that names the failing record (`--identifier-field`). */
  identifierField?: string;
}

export interface ExecRunResult extends ExecRunEnd {
  runId: string;
  file: string;
}

export const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

export async function execRun(options: ExecRunOptions): Promise<ExecRunResult> {
  const identity: ExecRunIdentity = {
    run: newRunId(),
    pipeline: options.pipeline,
    club: options.club ?? DEFAULT_CLUB,
  };
  const file = runFilePath(options.runsDir ?? defaultRunsDir(), identity);
  const out = new RunFileStream(file);
  const writeFields = (fields: Record<string, unknown>): void =>
    out.write(
      JSON.stringify({ time: Date.now(), pid: process.pid, hostname: hostname(), ...identity, ...fields }) + '\n',
    );

  const args = options.args ?? [];
  const startedAt = performance.now();
  writeFields({
    level: LEVELS.info,
    event: 'run.start',
    trigger: options.trigger ?? 'exec',
    ...(options.schedule ? { schedule: options.schedule } : {}),
    ...(options.schedule && options.timezone ? { timezone: options.timezone } : {}),
    command: [options.command, ...args],
    msg: `exec ${[options.command, ...args].join(' ')}`,
  });

  let reportedEnd: ReportedRunEnd | null = null;
  const stderrTail = new StderrTail();
  const lineOptions: ExecLineOptions = {
    stderr: options.stderr ?? DEFAULT_STDERR_POLICY,
    identifierField: options.identifierField ?? null,
  };
  const child = spawn(options.command, args, {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), ...execRunEnv(identity) },
    stdio: ['inherit', 'pipe', 'pipe'],
  });

  const echo = (target: NodeJS.WriteStream, chunk: Buffer): void => {
    if (options.quiet || target.destroyed) return;
    try {
      target.write(chunk);
    } catch {
      // A closed stdout must not stop the run being recorded.
    }
  };
  const ignoreEchoError = (): void => {};
  if (!options.quiet) {
    process.stdout.on('error', ignoreEchoError);
    process.stderr.on('error', ignoreEchoError);
  }

  const pump = (stream: Readable, source: 'stdout' | 'stderr'): Promise<void> => {
    const splitter = new LineSplitter(options.maxLineBytes ?? DEFAULT_EXEC_MAX_LINE_BYTES);
    const record = (lines: ReturnType<LineSplitter['push']>): void => {
      const now = Date.now();
      for (const line of lines) {
        const mapped = mapOutputLine(line, source, identity, now, lineOptions);
        if (mapped.reportedEnd) reportedEnd = mapped.reportedEnd;
        if (source === 'stderr' && mapped.text !== null) stderrTail.push(mapped.text);
        if (mapped.json !== null) out.write(mapped.json + '\n');
      }
    };
    return new Promise((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        echo(source === 'stdout' ? process.stdout : process.stderr, chunk);
        record(splitter.push(chunk));
      });
      stream.on('error', () => {});
      stream.on('close', () => {
        record(splitter.end());
        resolve();
      });
    });
  };
  const outputClosed = Promise.all([pump(child.stdout, 'stdout'), pump(child.stderr, 'stderr')]);

  const forwarded = (options.forwardSignals ?? FORWARDED_SIGNALS).map((signal) => {
    const listener = (): void => {
      writeFields({ level: LEVELS.info, msg: `runboard received ${signal}: passing it on to the command` });
      child.kill(signal);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });

  const childEnd = await new Promise<ChildEnd>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      // 'error' after a successful spawn (e.g. kill failing) is not the end of the child.
      if (child.pid === undefined) resolve({ kind: 'spawn-failed', message: error.message, errno: error.code ?? null });
    });
    child.once('exit', (code, signal) => {
      resolve(signal ? { kind: 'signalled', signal } : { kind: 'exited', code: code ?? 0 });
    });
  });

  if (childEnd.kind !== 'spawn-failed') {
    let drainTimer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      outputClosed.then(() => true),
      new Promise<boolean>((resolve) => {
        drainTimer = setTimeout(() => resolve(false), options.drainTimeoutMs ?? 2000);
      }),
    ]);
    clearTimeout(drainTimer);
    if (!drained) {
      writeFields({
        level: LEVELS.warn,
        msg: 'the command exited but something it started still holds its output open; stopped reading',
      });
      child.stdout.destroy();
      child.stderr.destroy();
      await outputClosed;
    }
  }
  for (const [signal, listener] of forwarded) process.off(signal, listener);
  if (!options.quiet) {
    process.stdout.off('error', ignoreEchoError);
    process.stderr.off('error', ignoreEchoError);
  }

  const verdict = execRunEnd(childEnd, reportedEnd);
  // A failed run's reason carries stderr's last lines: the why, where an operator looks first.
  const end =
    verdict.outcome === 'failure'
      ? { ...verdict, reason: reasonWithStderr(verdict.reason, stderrTail.text()) }
      : verdict;
  const fields: Record<string, unknown> = {
    level: end.outcome === 'failure' ? LEVELS.error : LEVELS.info,
    event: 'run.end',
    outcome: end.outcome,
    exitCode: end.exitCode,
    durationMs: Math.round(performance.now() - startedAt),
    msg: `run ${end.outcome}${verdict.reason ? `: ${verdict.reason}` : ''}`,
  };
  if (end.reason) fields.reason = end.reason;
  if (end.stats !== null) fields.stats = end.stats;
  writeFields(fields);
  out.close();
  return { ...end, runId: identity.run, file };
}
