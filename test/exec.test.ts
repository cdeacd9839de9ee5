// `runboard exec` end to end: the CLI (via tsx) wrapping real bash commands and Node programs, checked through
// the run file it writes, its exit code, and the signals it passes on.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ParsedLine } from '../shared/events.js';
import { eventsOf, killLeftovers, readRunFile, spawnTs, type Finished } from './fixtures/logger-run-file.js';

const runsDir = mkdtempSync(join(tmpdir(), 'runboard-exec-'));
afterEach(killLeftovers);
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

let pipelineCount = 0;

interface ExecOutcome extends Finished {
  lines: ParsedLine[];
  runId: string;
}

/** Starts `runboard exec` for a fresh pipeline; `ready` sends `signal` once the command printed READY. */
interface ExecOptions {
  club?: string;
  signal?: NodeJS.Signals;
  /** Extra flags before `--`. */
  flags?: string[];
  /** Pass the runs directory as RUNBOARD_RUNS_DIR instead of --runs-dir. */
  runsDirFromEnv?: boolean;
}

function startExec(command: string[], options: ExecOptions = {}) {
  const pipeline = `p${++pipelineCount}`;
  const club = options.club ?? 'exec-tests';
  const runsDirArgs = options.runsDirFromEnv ? [] : ['--runs-dir', runsDir];
  const spawned = spawnTs(
    'app/cli.ts',
    ['exec', '--pipeline', pipeline, '--club', club, ...runsDirArgs, ...(options.flags ?? []), '--', ...command],
    { RUNBOARD_EXEC_RUN: '', RUNBOARD_RUNS_DIR: options.runsDirFromEnv ? runsDir : '' },
  );
  const done = (async (): Promise<ExecOutcome> => {
    if (options.signal) {
      await spawned.printed('READY');
      spawned.child.kill(options.signal);
    }
    const finished = await spawned.finished;
    const dir = join(runsDir, club, pipeline);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const lines = readRunFile(join(dir, files[0]!));
    for (const line of lines) expect(line).toMatchObject({ pipeline, club, run: files[0]!.replace('.ndjson', '') });
    return { ...finished, lines, runId: files[0]!.replace('.ndjson', '') };
  })();
  return { spawned, done };
}

const exec = (command: string[], options?: ExecOptions): Promise<ExecOutcome> => startExec(command, options).done;

describe('runboard exec', () => {
  it('a succeeding bash command: stdout as info, stderr as warn, run.end success, exit 0, output echoed', async () => {
    const result = await exec(['bash', '-c', 'echo hello; echo "careful" >&2; printf "no newline at the end"']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('hello');
    expect(result.stderr).toContain('careful');
    expect(eventsOf(result.lines)).toEqual(['run.start', null, null, null, 'run.end']);
    expect(result.lines[0]).toMatchObject({ payload: { event: 'run.start', trigger: 'exec' } });
    expect(result.lines[0]!.data).toMatchObject({ command: ['bash', '-c', expect.stringContaining('echo hello')] });
    const logged = result.lines.slice(1, 4).map((line) => [line.level, line.msg]);
    expect(logged).toContainEqual([30, 'hello']);
    expect(logged).toContainEqual([40, 'careful']);
    expect(logged).toContainEqual([30, 'no newline at the end']);
    expect(result.lines[4]!.payload).toEqual({
      event: 'run.end',
      outcome: 'success',
      exitCode: 0,
      stats: null,
      reason: null,
    });
  });

  it('a failing bash command: run.end failure with the exit code, and runboard exits with it (env runs dir, --trigger, --quiet)', async () => {
    const result = await exec(['bash', '-c', 'echo "about to fail"; exit 3'], {
      runsDirFromEnv: true,
      flags: ['--trigger', 'cron', '--quiet'],
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe(''); // --quiet: the output is only in the run file
    expect(result.lines[0]!.payload).toEqual({ event: 'run.start', trigger: 'cron' });
    expect(result.lines[1]!.msg).toBe('about to fail');
    expect(result.lines.at(-1)!.payload).toEqual({
      event: 'run.end',
      outcome: 'failure',
      exitCode: 3,
      stats: null,
      reason: 'exited with code 3',
    });
  });

  it("a failing bash command's stderr: error-looking lines count as errors, and the reason carries its last lines", async () => {
    const script = [
      'echo "uploading" >&2',
      'echo "no errors so far" >&2',
      'echo "ERROR: upload to s3 failed" >&2',
      'echo "2026-11-30T01:02:03Z fatal: giving up" >&2',
      'exit 3',
    ].join('; ');
    const result = await exec(['bash', '-c', script], { flags: ['--quiet'] });
    expect(result.code).toBe(3);
    const stderrLines = result.lines.filter((line) => line.data?.stream === 'stderr').map((l) => [l.level, l.msg]);
    expect(stderrLines).toEqual([
      [40, 'uploading'],
      [40, 'no errors so far'],
      [50, 'ERROR: upload to s3 failed'],
      [50, '2026-11-30T01:02:03Z fatal: giving up'],
    ]);
    const end = result.lines.at(-1)!.payload;
    expect(end).toMatchObject({ event: 'run.end', outcome: 'failure', exitCode: 3 });
    expect(end.event === 'run.end' && end.reason).toBe(
      'exited with code 3\n--- last lines on stderr ---\nuploading\nno errors so far\nERROR: upload to s3 failed\n' +
        '2026-11-30T01:02:03Z fatal: giving up',
    );
  });

  it('--stderr-level error makes every stderr line an error; --error-pattern chooses which; a bad pattern is refused', async () => {
    const script = 'echo "plain" >&2; echo "E42 disk" >&2; exit 1';
    const all = await exec(['bash', '-c', script], { flags: ['--quiet', '--stderr-level', 'error'] });
    expect(all.lines.filter((l) => l.data?.stream === 'stderr').map((l) => l.level)).toEqual([50, 50]);
    const custom = await exec(['bash', '-c', script], { flags: ['--quiet', '--error-pattern', '^E\\d+'] });
    expect(custom.lines.filter((l) => l.data?.stream === 'stderr').map((l) => l.level)).toEqual([40, 50]);
    const bad = spawnTs('app/cli.ts', ['exec', '--pipeline', 'x', '--error-pattern', '(', '--', 'true'], {});
    const finished = await bad.finished;
    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain('--error-pattern is not a valid regular expression');
  });

  it('--schedule and --timezone go on run.start, where runboard reads the schedule; a bad one is refused', async () => {
    const result = await exec(['true'], { flags: ['--schedule', '0 3 * * *', '--timezone', 'Europe/Amsterdam'] });
    expect(result.code).toBe(0);
    expect(result.lines[0]!.data).toMatchObject({ schedule: '0 3 * * *', timezone: 'Europe/Amsterdam' });
    const refused = await Promise.all(
      [
        ['--schedule', '0 3 * *'],
        ['--schedule', '0 3 * * *', '--timezone', 'Mars/Olympus'],
        ['--timezone', 'UTC'],
      ].map(
        (flags) =>
          spawnTs('app/cli.ts', ['exec', '--pipeline', 'x', '--runs-dir', runsDir, ...flags, '--', 'true'], {})
            .finished,
      ),
    );
    expect(refused.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(refused[0]!.stderr).toContain('runboard exec: --schedule: "0 3 * *" has 4 fields');
    expect(refused[1]!.stderr).toContain('runboard exec: --timezone: "Mars/Olympus" is not an IANA time zone');
    expect(refused[2]!.stderr).toContain('runboard exec: --timezone needs --schedule');
  });

  it('a bash command killed by a signal: failure naming it, runboard exits 128+n', async () => {
    const result = await exec(['bash', '-c', 'echo going; kill -TERM $$']);
    expect(result.code).toBe(143);
    expect(result.lines.at(-1)!.payload).toMatchObject({
      event: 'run.end',
      outcome: 'failure',
      exitCode: 143,
      reason: 'killed by SIGTERM',
    });
  });

  it('passes SIGTERM on to the command and exits with what the command exits with', async () => {
    const script = 'trap "echo got TERM; exit 5" TERM; echo READY; while true; do sleep 0.05; done';
    const result = await exec(['bash', '-c', script], { signal: 'SIGTERM' });
    expect(result.code).toBe(5);
    expect(result.lines.map((line) => line.msg)).toContain('got TERM');
    expect(result.lines.at(-1)!.payload).toMatchObject({ outcome: 'failure', exitCode: 5 });
  });

  it('passes SIGINT on to a command that does not handle it: both end by the signal', async () => {
    const result = await exec(['bash', '-c', 'echo READY; exec sleep 30'], { signal: 'SIGINT' });
    expect(result.code).toBe(130);
    expect(result.lines.at(-1)!.payload).toMatchObject({ outcome: 'failure', reason: 'killed by SIGINT' });
  });

  it('a command that does not exist: exit 127 and a failed run saying why', async () => {
    const result = await exec(['/nonexistent/runboard-test-command']);
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('could not start the command');
    expect(result.lines.at(-1)!.payload).toMatchObject({ outcome: 'failure', exitCode: 127 });
  });

  it('survives partial lines, a 1 MB line and invalid UTF-8 from the command', async () => {
    const script = [
      'printf "par"; sleep 0.05; printf "tial\\n"',
      "printf 'bad \\377 byte\\n'",
      'head -c 1048576 /dev/zero | tr "\\0" "y"; echo',
      'echo after',
    ].join('; ');
    const result = await exec(['bash', '-c', script]);
    expect(result.code).toBe(0);
    const plain = result.lines.filter((line) => line.payload.event === null);
    expect(plain.map((line) => line.msg?.slice(0, 10))).toEqual(['partial', 'bad \uFFFD byte', 'yyyyyyyyyy', 'after']);
    expect(plain[1]!.data).toEqual({ invalidUtf8: true });
    expect(plain[2]!.data).toEqual({ truncated: true, lineBytes: 1048576 });
    expect(plain[2]!.msg!.length).toBe(256 * 1024);
  });

  it('keeps pino JSON lines structured: their levels and contract events count, identity forced', async () => {
    const result = await exec([process.execPath, 'test/fixtures/exec-pino-child.js']);
    expect(result.code).toBe(0);
    // stdout and stderr are separate pipes: their lines keep their order within each, not across.
    const isStderr = (line: ParsedLine): boolean => line.data?.stream === 'stderr';
    const stdoutLines = result.lines.filter((line) => !isStderr(line));
    expect(eventsOf(stdoutLines)).toEqual([
      'run.start',
      'step.start',
      'step.progress',
      null,
      'error',
      'step.end',
      null,
      null,
      'run.end',
    ]);
    const [, start, progress, slow, error, end, text, odd] = stdoutLines;
    const stderr = result.lines.filter(isStderr);
    expect(stderr).toHaveLength(1);
    expect(start!.msg).toBe('step download started');
    expect(start!.data).toBeNull();
    expect(progress!.payload).toEqual({ event: 'step.progress', step: 'download', done: 10, total: 20, counts: null });
    expect(slow).toMatchObject({ level: 40, msg: 'slow page', step: 'download' });
    expect(error).toMatchObject({
      level: 50,
      msg: 'lookup failed',
      payload: { event: 'error', identifier: 'KNVB77', system: 'sportlink', message: 'member not found' },
    });
    expect(error!.err?.stack).toContain('exec-pino-child.js');
    expect(end!.payload).toMatchObject({ outcome: 'success', counts: { created: 3, failed: 1 } });
    expect(text).toMatchObject({ level: 30, msg: 'plain text in between' });
    expect(odd).toMatchObject({ level: 30, msg: '{"event":"not-a-contract-event","msg":"odd"}' });
    expect(stderr[0]).toMatchObject({ level: 40, msg: 'a warning on stderr' });
    // isoTime from the program's own pino config is kept (and parsed).
    expect(start!.time).toBeGreaterThan(Date.now() - 60_000);
  });

  it.each(['success', 'failure'] as const)(
    'startRun inside exec joins its run (pipeline reports %s)',
    async (reported) => {
      const result = await exec([
        process.execPath,
        '--import',
        'tsx',
        'test/fixtures/exec-joined-pipeline.ts',
        reported,
      ]);
      expect(result.code).toBe(0);
      expect(eventsOf(result.lines)).toEqual([
        'run.start',
        null,
        'step.start',
        'step.progress',
        'step.progress', // the count, within the throttle interval: flushed before step.end (live counts)
        'step.end',
        'error',
        null,
        'run.end',
      ]);
      expect(result.lines[1]).toMatchObject({ msg: 'hello from the pipeline', data: { joined: true, file: null } });
      expect(result.lines[4]!.payload).toMatchObject({ event: 'step.progress', counts: { created: 2, updated: 1 } });
      result.lines.splice(4, 1);
      expect(result.lines[4]!.payload).toMatchObject({ outcome: 'success', counts: { created: 2, updated: 1 } });
      expect(result.lines[5]!.payload).toMatchObject({ identifier: 'KNVB42', system: 'laposta' });
      expect(result.lines[6]!.data).toMatchObject({ reportedEvent: 'run.end', outcome: reported });
      expect(result.lines[7]!.payload).toEqual({
        event: 'run.end',
        outcome: reported,
        exitCode: 0,
        stats: { members: 3 },
        reason: reported === 'failure' ? 'sync refused' : null,
      });
      // The pipeline's lines keep its own pid; exec's own lines carry runboard's.
      expect(result.lines[1]!.pid).not.toBe(result.lines[0]!.pid);
    },
  );
});
