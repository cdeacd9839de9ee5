// `runboard check-config FILE`: judges a config file exactly as `runboard start` and a SIGHUP reload do, without
// starting anything, so a change can be checked before `systemctl reload runboard`.
import { resolve } from 'node:path';
import { loadConfigFile } from '../config-file-load.js';
import { readCrontabFile } from '../crontab-sources.js';
import type { Command } from './command.js';

export const command: Command = {
  name: 'check-config',
  usage: 'runboard check-config FILE',
  summary:
    'Check a config file (schedules, crontabs) as start and reload would: one line per problem and exit 2, or a ' +
    'summary and exit 0. Crontab lines that name runboard but give no schedule are warnings.',
  options: [],
  run(argv) {
    const files = argv.filter((arg) => !arg.startsWith('-'));
    const flags = argv.filter((arg) => arg.startsWith('-'));
    if (files.length !== 1 || flags.length > 0) {
      process.stderr.write(`runboard check-config: needs exactly one FILE\nUsage: ${command.usage}\n`);
      return Promise.resolve(2);
    }
    const file = resolve(files[0] as string);
    const loaded = loadConfigFile(file, process.env);
    if (!loaded.ok) {
      for (const problem of loaded.problems) process.stderr.write(`runboard check-config: ${problem}\n`);
      return Promise.resolve(2);
    }
    const { config } = loaded;
    const lines = [
      `${file}: ok: ${plural(config.pipelines.length, 'pipeline')}, ${plural(config.crontabs.length, 'crontab')}`,
    ];
    if (config.identifierFields !== null)
      lines.push(`  identifierFields: ${config.identifierFields.join(', ')} (in place of --identifier-fields)`);
    for (const crontab of config.crontabs) {
      const read = readCrontabFile(crontab);
      lines.push(`  ${crontab}: ${plural(read.status.entries, 'scheduled pipeline')}`);
      for (const problem of read.status.problems) lines.push(`  warning: ${problem}`);
    }
    process.stdout.write(lines.join('\n') + '\n');
    return Promise.resolve(0);
  },
};

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
