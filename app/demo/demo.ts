// `npm run demo`: runboard on a fresh ./data/demo with sample pipelines in two clubs producing live runs.
// Extra arguments go to `runboard start` (e.g. `npm run demo -- --port 4000`).
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runDemoPipelines } from './demo-pipelines.js';
import { StartupError, createDaemonLogger, startRunboard } from '../main.js';
import { resolveServeConfig } from '../serve-config.js';

async function main(): Promise<number> {
  const dataDir = resolve('data', 'demo');
  // A fresh directory each time, so the demo always starts from the same story.
  rmSync(dataDir, { recursive: true, force: true });
  const config = resolveServeConfig('demo', [
    '--runs-dir',
    join(dataDir, 'runs'),
    '--db',
    join(dataDir, 'dashboard.sqlite'),
    '--log-level',
    'warn',
    ...process.argv.slice(2),
  ]);
  if (config === null) return 2;
  let running;
  try {
    running = await startRunboard(config, { logger: createDaemonLogger(config.logLevel) });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    process.stderr.write(`runboard demo: ${error.message}\n`);
    return 1;
  }

  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stdout.write(
    `\nrunboard demo is running: open ${running.url}\n` +
      `  sample pipelines write to ${config.runsDir}\n  database ${config.dbFile}\n  Ctrl-C stops it.\n\n`,
  );
  await runDemoPipelines({ runsDir: config.runsDir, signal: stop.signal });
  await running.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`runboard demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
