#!/usr/bin/env node
// The `runboard` command: dispatches to one module per subcommand in server/commands/.
import type { Command } from './commands/command.js';

const commands: Record<string, () => Promise<{ command: Command }>> = {
  start: () => import('./commands/start.js'),
  exec: () => import('./commands/exec.js'),
  migrate: () => import('./commands/migrate.js'),
  tail: () => import('./commands/tail.js'),
  'check-config': () => import('./commands/check-config.js'),
  alerts: () => import('./commands/alerts.js'),
};

async function loadAll(): Promise<Command[]> {
  return Promise.all(Object.values(commands).map(async (load) => (await load()).command));
}

function printHelp(all: Command[]): void {
  const lines = ['Usage: runboard <command> [options]', '', 'Commands:'];
  for (const c of all) {
    lines.push(`  ${c.usage}`, `      ${c.summary}`);
    for (const [flag, text] of c.options) lines.push(`      ${flag.padEnd(28)} ${text}`);
    lines.push('');
  }
  lines.push('Run `runboard <command> --help` for one command.');
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    printHelp(await loadAll());
    return name === undefined ? 1 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`runboard: unknown command "${name}". Run \`runboard --help\`.\n`);
    return 2;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    printHelp([command]);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    // exec, start and tail manage their own lifetime; they resolve only when done.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`runboard: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
