// `runboard exec`: flags and help; the work is in shared/exec-run.ts.
import { parseArgs } from 'node:util';
import { execRun } from '../../shared/exec-run.js';
import type { Command } from './command.js';

export const command: Command = {
  name: 'exec',
  usage: 'runboard exec --pipeline NAME [--club C] [--runs-dir D] [--trigger T] [--quiet] -- <command> [args...]',
  summary:
    'Run any command as a run: stdout lines log as info, stderr as warn, JSON lines keep their fields; ' +
    'the exit code becomes run.end and runboard exits with it.',
  options: [
    ['--pipeline NAME', 'pipeline the run belongs to (required)'],
    ['--club C', 'club (default "default")'],
    ['--runs-dir D', 'runs directory (default $RUNBOARD_RUNS_DIR or ./data/runs)'],
    ['--trigger T', 'what started the run: cron, manual, ... (default "exec")'],
    ['--quiet', "don't echo the command's output (echoed by default, so cron mail keeps working)"],
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
          quiet: { type: 'boolean' },
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
    const result = await execRun({
      pipeline: values.pipeline,
      club: values.club,
      runsDir: values['runs-dir'],
      trigger: values.trigger,
      quiet: values.quiet ?? false,
      command: program,
      args,
    });
    if (result.reason?.startsWith('could not start')) process.stderr.write(`runboard exec: ${result.reason}\n`);
    return result.exitCode;
  },
};
