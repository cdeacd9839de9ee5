// `runboard tail`: flags and help, and wiring stdout/stderr; the following is in server/tail/follow.ts.
import { parseTailArgs } from '../tail/args.js';
import { EXIT_USAGE } from '../tail/exit-status.js';
import { terminalSafeJson } from '../tail/escape.js';
import { Tail, type LinePrinter } from '../tail/follow.js';
import { formatLine, summaryText } from '../tail/format.js';
import { createTailApi } from '../tail/rest.js';
import type { Command } from './command.js';

/** Colours only for a terminal, and never when NO_COLOR is set (https://no-color.org: present and not empty). */
function useColor(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

export const command: Command = {
  name: 'tail',
  usage:
    'runboard tail [--club C] [--pipeline P] [--run ID|latest] [--level L] [--since 10m] [--url URL] [--token T] ' +
    '[--json] [--exit-status]',
  summary:
    "Follow a running daemon's log lines live, as pino-pretty prints them (step starts and ends as headers, errors " +
    'highlighted), resuming after a reconnect without a gap. With --run, stop when that run ends.',
  options: [
    ['--club C', 'only runs of this club'],
    ['--pipeline P', 'only runs of this pipeline'],
    [
      '--run ID|latest',
      'one run from its first line (latest: the newest matching run, or the next to start); exits when it ends',
    ],
    ['--level L', 'only lines at this level or above (trace..fatal or a number); run and step headers stay'],
    ['--since D', 'first print the lines of this last period (30s, 10m, 2h, 1d) or since an ISO date, then follow'],
    ['--url URL', 'the daemon (default $RUNBOARD_URL or http://127.0.0.1:3000)'],
    ['--token T', 'API token (default $RUNBOARD_TOKEN; the variable keeps it out of `ps`)'],
    ['--json', 'print each line as one JSON object (NDJSON, the API LogLineView) instead of pretty text'],
    ['--exit-status', 'with --run: exit 0 when the run succeeded, 1 when it failed or was abandoned'],
  ],
  async run(argv) {
    const parsed = parseTailArgs(argv, process.env, Date.now());
    if (!parsed.ok) {
      process.stderr.write(`runboard tail: ${parsed.problem}\nUsage: ${command.usage}\n`);
      return EXIT_USAGE;
    }
    const options = parsed.options;
    const color = useColor();
    const api = createTailApi(options.baseUrl, options.token);
    // Links point where the operator's browser reaches the UI: the daemon's public URL, else the URL tail uses.
    // A daemon that can't say (down, refusing the token) is reported by the following itself, below.
    const linkBase = (await api.publicUrl().catch(() => null)) ?? options.baseUrl;
    const print: LinePrinter = options.json
      ? (line) => terminalSafeJson(line)
      : (line, run, step) => formatLine(line, { run, step }, { color, linkBase });
    const tail = new Tail(
      options,
      api,
      {
        lines: (text) => process.stdout.write(`${text}\n`),
        note: (text) => process.stderr.write(`runboard tail: ${text}\n`),
      },
      print,
      (run) => summaryText(run, linkBase),
    );
    // `runboard tail | head`: the reader went away; stop quietly.
    process.stdout.on('error', () => tail.stop(0));
    return tail.run();
  },
};
