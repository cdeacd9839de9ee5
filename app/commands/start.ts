// `runboard start`: the long-running daemon (systemd runs this). Problems before start-up print one line on
// stderr and exit non-zero; SIGTERM/SIGINT shut down cleanly and exit 0, with a hard deadline.
import type { RunboardFileConfig } from '../../health/config-file.js';
import { startHelpOptions } from '../config.js';
import { loadConfigFile } from '../config-file-load.js';
import { StartupAborted, StartupError, createDaemonLogger, startRunboard, type RunningRunboard } from '../main.js';
import { resolveServeConfig } from '../serve-config.js';
import type { Command } from './command.js';

/** Past this, a shutdown that hangs (a stuck filesystem, a bug) exits non-zero so systemd can act on it. */
const SHUTDOWN_DEADLINE_MS = 10_000;

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

export const command: Command = {
  name: 'start',
  usage: 'runboard start [options]',
  summary: 'Run the daemon: ingest run files into the database and serve the dashboard, REST API and live socket.',
  options: startHelpOptions(),
  async run(argv) {
    const config = resolveServeConfig('start', argv);
    if (config === null) return 2;
    let fileConfig: RunboardFileConfig | null = null;
    if (config.configFile !== null) {
      const loaded = loadConfigFile(config.configFile, process.env);
      if (!loaded.ok) {
        for (const problem of loaded.problems) process.stderr.write(`runboard start: ${problem}\n`);
        return 2;
      }
      fileConfig = loaded.config;
    }
    const logger = createDaemonLogger(config.logLevel);

    const stopRequested = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopRequested.signal.aborted) {
        process.stderr.write(`runboard start: second ${signal}, exiting without a clean shutdown\n`);
        process.exit(1);
      }
      logger.info({ signal }, 'signal received');
      setTimeout(() => {
        process.stderr.write(`runboard start: shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms, exiting\n`);
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
      stopRequested.abort();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    // SIGHUP (systemctl reload) reloads the config file. Installed before start-up: a HUP's default is to kill.
    let running: RunningRunboard | null = null;
    let reloadPending = false;
    process.on('SIGHUP', () => {
      logger.info({ signal: 'SIGHUP' }, 'signal received: reloading the config');
      if (running) running.reloadConfig();
      else reloadPending = true;
    });
    process.on('uncaughtException', (error) => {
      logger.fatal({ err: error }, 'uncaught exception');
      process.stderr.write(`runboard start: internal error: ${oneLine(error)} (details in the log)\n`);
      process.exit(1);
    });

    try {
      running = await startRunboard(config, {
        logger,
        fileConfig,
        signal: stopRequested.signal,
        // Nothing written from now on would last: exit at once (no clean shutdown into a lost file), non-zero.
        onDatabaseLost: (reason) => {
          process.stderr.write(`runboard start: ${reason}; exiting\n`);
          process.exit(1);
        },
      });
    } catch (error) {
      if (error instanceof StartupAborted) {
        logger.info('start-up interrupted by a signal; stopped cleanly');
        return 0;
      }
      if (error instanceof StartupError) {
        logger.error({ problem: error.message }, 'start-up refused');
        process.stderr.write(`runboard start: ${error.message}\n`);
        return error.exitCode;
      } else {
        logger.fatal({ err: error }, 'start-up failed');
        process.stderr.write(`runboard start: start-up failed: ${oneLine(error)} (details in the log)\n`);
      }
      return 1;
    }

    if (reloadPending) running.reloadConfig();
    const started = running;
    await new Promise<void>((resolve) => {
      if (stopRequested.signal.aborted) resolve();
      stopRequested.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await started.close();
    // Everything is closed; don't let a stray handle keep a stopped daemon around.
    setTimeout(() => process.exit(0), 1_000).unref();
    return 0;
  },
};
