// `runboard --help` lists every command with its options; `runboard <command> --help` shows one.
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../app/commands/command.js';
import { killLeftovers, spawnTs } from './fixtures/logger-run-file.js';

afterEach(killLeftovers);

async function loadCommands(): Promise<Command[]> {
  const modules = await Promise.all([
    import('../app/commands/start.js'),
    import('../app/commands/exec.js'),
    import('../app/commands/migrate.js'),
    import('../app/commands/tail.js'),
    import('../app/commands/alerts.js'),
  ]);
  return modules.map((module) => module.command);
}

describe('runboard --help', () => {
  it('lists every command with its usage, summary and every option', async () => {
    const [commands, help] = await Promise.all([loadCommands(), spawnTs('app/cli.ts', ['--help']).finished]);
    expect(help.code).toBe(0);
    for (const command of commands) {
      expect(help.stdout).toContain(command.usage);
      expect(help.stdout).toContain(command.summary);
      expect(command.options.length).toBeGreaterThan(0);
      for (const [flag, text] of command.options) {
        expect(help.stdout).toContain(flag);
        expect(help.stdout).toContain(text);
      }
    }
  });

  it('shows one command with `runboard <command> --help`, and fails usefully otherwise', async () => {
    const [execHelp, tailHelp, alertsHelp, bare, unknown] = await Promise.all([
      spawnTs('app/cli.ts', ['exec', '--help']).finished,
      spawnTs('app/cli.ts', ['tail', '--help']).finished,
      spawnTs('app/cli.ts', ['alerts', 'backtest', '--help']).finished,
      spawnTs('app/cli.ts', []).finished,
      spawnTs('app/cli.ts', ['frobnicate']).finished,
    ]);
    expect(execHelp.code).toBe(0);
    expect(execHelp.stdout).toContain('runboard exec --pipeline NAME');
    expect(execHelp.stdout).not.toContain('runboard migrate');
    expect(tailHelp.code).toBe(0);
    expect(tailHelp.stdout).toContain('runboard tail [--club C] [--pipeline P] [--run ID|latest]');
    expect(tailHelp.stdout).toContain('--exit-status');
    expect(tailHelp.stdout).not.toContain('runboard exec');
    expect(alertsHelp.code).toBe(0);
    expect(alertsHelp.stdout).toContain('runboard alerts backtest --since 30d [--config FILE] [--db PATH] [--json]');
    expect(alertsHelp.stdout).toContain('--since D');
    expect(alertsHelp.stdout).not.toContain('runboard tail');
    expect(bare.code).toBe(1);
    expect(bare.stdout).toContain('Commands:');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});
