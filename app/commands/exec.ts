// `runboard exec`: flags and help; the work is in shared/exec-run.ts.
import { parseArgs } from 'node:util';
import { DEFAULT_RUNS_DIR, RUNS_DIR_ENV } from '../../shared/defaults.js';
import { execRun } from '../../shared/exec-run.js';
import { DEFAULT_STDERR_POLICY, parseErrorPattern, type StderrPolicy } from '../../shared/exec-stderr.js';
import { compileSchedule, isValidTimezone } from '../../health/schedule.js';
import type { Command } from './command.js';

export const command: Command = {
  name: 'exec',
  usage:
    'runboard exec --pipeline NAME [--club C] [--runs-dir D] [--trigger T] [--schedule CRON [--timezone TZ]] [--quiet] [--stderr-level warn|error] ' +
    '[--error-pattern REGEX] [--identifier-field NAME] -- <command> [args...]',
  summary:
    'Run any command as a run: stdout lines log as info, stderr as warn (error when a line starts with error, ' +
    "fatal, exception or traceback), JSON lines keep their fields; the exit code becomes run.end, a failed run's " +
    'reason carries the last stderr lines, and runboard exits with the exit code.',
  options: [
    ['--pipeline NAME', 'pipeline the run belongs to (required)'],
    ['--club C', 'club (default "default")'],
    ['--runs-dir D', `runs directory (default $${RUNS_DIR_ENV} or ${DEFAULT_RUNS_DIR})`],
    ['--trigger T', 'what started the run: cron, manual, ... (default "exec")'],
    [
      '--schedule CRON',
      'the cron schedule this command runs on (e.g. "0 3 * * *"), so runboard notices a run that does not come; a config file or crontab naming the pipeline takes precedence',
    ],
    ['--timezone TZ', "IANA zone of --schedule (default: the runboard machine's)"],
    ['--quiet', "don't echo the command's output (echoed by default, so cron mail keeps working)"],
    [
      '--stderr-level L',
      'warn (default): stderr lines are warnings unless they match the error pattern; error: all are errors',
    ],
    [
      '--error-pattern RE',
      'stderr lines matching this (case-insensitive) are errors of the run (default: error|fatal|exception|traceback as the first word, after a timestamp)',
    ],
    ['--identifier-field NAME', "the field of the command's JSON error lines that names the failing record"],
  ],
  async run(argv) {
    const separator = argv.indexOf('--');
    const own = separator === -1 ? argv : argv.slice(0, separator);
    const commandLine = separator === -1 ? [] : argv.slice(separator + 1);
    let values;
    try {
      ({ values } = parseArgs({
        args: own,
        options: {
          pipeline: { type: 'string' },
          club: { type: 'string' },
          'runs-dir': { type: 'string' },
          trigger: { type: 'string' },
          schedule: { type: 'string' },
          timezone: { type: 'string' },
          quiet: { type: 'boolean' },
          'stderr-level': { type: 'string' },
          'error-pattern': { type: 'string' },
          'identifier-field': { type: 'string' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      process.stderr.write(`runboard exec: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    const [program, ...args] = commandLine;
    if (!values.pipeline || program === undefined) {
      process.stderr.write(`runboard exec: needs --pipeline and a command after --\nUsage: ${command.usage}\n`);
      return 2;
    }
    if (values.timezone !== undefined && values.schedule === undefined) {
      process.stderr.write('runboard exec: --timezone needs --schedule\n');
      return 2;
    }
    if (values.schedule !== undefined) {
      // Checked here, where a typo is seen (cron mail), rather than silently ignored by the daemon later.
      if (values.timezone !== undefined && !isValidTimezone(values.timezone)) {
        process.stderr.write(`runboard exec: --timezone: "${values.timezone}" is not an IANA time zone\n`);
        return 2;
      }
      const checked = compileSchedule(values.schedule, values.timezone ?? 'UTC');
      if (!checked.ok) {
        process.stderr.write(`runboard exec: --schedule: ${checked.reason}\n`);
        return 2;
      }
    }
    const stderr = stderrPolicyOf(values['stderr-level'], values['error-pattern']);
    if (typeof stderr === 'string') {
      process.stderr.write(`runboard exec: ${stderr}\n`);
      return 2;
    }
    const result = await execRun({
      stderr,
      identifierField: values['identifier-field'],
      pipeline: values.pipeline,
      club: values.club,
      runsDir: values['runs-dir'],
      trigger: values.trigger,
      schedule: values.schedule,
      timezone: values.timezone,
      quiet: values.quiet ?? false,
      command: program,
      args,
    });
    if (result.reason?.startsWith('could not start')) process.stderr.write(`runboard exec: ${result.reason}\n`);
    return result.exitCode;
  },
};

/** --stderr-level and --error-pattern → the policy, or the problem as one line. */
function stderrPolicyOf(level: string | undefined, pattern: string | undefined): StderrPolicy | string {
  if (level !== undefined && level !== 'warn' && level !== 'error') return '--stderr-level must be warn or error';
  let errorPattern = DEFAULT_STDERR_POLICY.errorPattern;
  if (pattern !== undefined) {
    const parsed = parseErrorPattern(pattern);
    if (!parsed.ok) return `--error-pattern is not a valid regular expression: ${parsed.problem}`;
    errorPattern = parsed.pattern;
  }
  return { level: level ?? 'warn', errorPattern };
}
