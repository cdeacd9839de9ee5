// The process entry behind `runboard start`: one process that ingests run files and serves the API and live
// socket. Order matters: lock → database (migrated) → HTTP listening (health answers, ready is 503) → ingest
// catch-up → ready (and systemd READY=1). Shutdown reverses it and commits the last ingest batch.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { IngestChange } from '../shared/ingest-change.js';
import { createIngestDaemon } from '../ingest/daemon.js';
import { InstanceLockedError } from '../ingest/errors.js';
import { StartupAborted, StartupError } from './errors.js';
import { acquireInstanceLock } from '../ingest/instance-lock.js';
import { startLogSearchThread, type LogSearchThread } from '../ingest/log-search-thread.js';
import { migrationsFolder, openDb, type Db } from '../shared/db.js';
import { identifierFieldsFor } from './identifier-fields.js';
import { buildApp } from '../server/app.js';
import type { RunboardConfig } from './config.js';
import { CLOSE_GOING_AWAY, createLiveHub, type LiveHubOptions } from '../server/live-hub.js';
import { watchDbFile, type DbFileWatch } from './db-file-watch.js';
import { createMetrics } from '../server/metrics.js';
import { createLiveRoute, type LiveRoute, type LiveRouteOptions } from '../server/routes/live.js';
import { notifySystemd } from './systemd-notify.js';
import type { RunboardFileConfig } from '../health/config-file.js';
import { loadConfigFile } from './config-file-load.js';
import { buildConfigView } from './config-view.js';
import type { CrontabSources } from './crontab-sources.js';
import type { HealthMonitor } from './health-monitor.js';
import { scheduleHistoryView } from './schedule-history-view.js';
import type { AlertSender } from './alert-sender.js';
import { createTestAlertSender } from './alert-test.js';
import { channelInfo } from '../alerts/channel-target.js';
import { checkPaths, listenProblem, reasonOf } from './start-problems.js';
import { startHealthAndAlerts } from './start-health.js';

// Re-exported: the commands take them from here.
export { StartupAborted, StartupError };

/** The running ingest daemon (ingest/daemon.ts). */
type IngestDaemon = ReturnType<typeof createIngestDaemon>;

export interface StartOptions {
  /** Defaults to pino JSON on stdout at the configured level. */
  logger?: Logger;
  live?: LiveHubOptions;
  liveRoute?: LiveRouteOptions;
  /** Environment for the systemd notification (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** A signal (SIGTERM) during start-up: stop what is up and reject with StartupAborted. */
  signal?: AbortSignal;
  /**
   * The database file was deleted or replaced while running (already logged at fatal, /api/ready now 503): the
   * process edge exits non-zero so the service manager restarts it. Default: nothing more.
   */
  onDatabaseLost?: (reason: string) => void;
  /** The config file as already loaded and checked (`runboard start` checks it before anything starts). */
  fileConfig?: RunboardFileConfig | null;
  /** How often listed crontab files are checked for changes (default 1 s). */
  crontabPollMs?: number;
}

export type ReloadResult = { ok: true; file: string } | { ok: false; problems: string[] };

export interface RunningRunboard {
  url: string;
  /** Pipeline health: the alerts issue subscribes to its transitions (`health.onTransition`). */
  health: HealthMonitor;
  /**
   * Reads the config file again (SIGHUP). A file with problems is refused as a whole: the old config stays, and the
   * problems are logged and returned.
   */
  reloadConfig(): ReloadResult;
  /** Idempotent: stops accepting, closes sockets (1001), commits the last batch, checkpoints, releases the lock. */
  close(): Promise<void>;
}

/** Sockets get this long to answer the going-away close before they are destroyed. */
const SOCKET_CLOSE_GRACE_MS = 1_000;

/** The built UI next to the package (dist/web), or null when it was not built. */
function packagedWebDir(): string | null {
  const dir = join(dirname(migrationsFolder()), 'dist', 'web');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

function displayUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export function createDaemonLogger(level: RunboardConfig['logLevel']): Logger {
  // Synchronous stdout: nothing is lost when the process exits right after a fatal line.
  return pino({ level, base: { pid: process.pid } }, pino.destination({ dest: 1, sync: true }));
}

export async function startRunboard(config: RunboardConfig, options: StartOptions = {}): Promise<RunningRunboard> {
  const logger = options.logger ?? createDaemonLogger(config.logLevel);
  const env = options.env ?? process.env;
  checkPaths(config);

  // What is up so far; shutdown() takes down whatever is set, in reverse order of start-up.
  let lock: { release(): void } | null = null;
  let db: Db | null = null;
  let daemon: IngestDaemon | null = null;
  let searchIndex: LogSearchThread | null = null;
  let app: FastifyInstance | null = null;
  let live: LiveRoute | null = null;
  let dbWatch: DbFileWatch | null = null;
  let crontabs: CrontabSources | null = null;
  let health: HealthMonitor | null = null;
  let alertSender: AlertSender | null = null;
  let ready = false;
  let loaded: { config: RunboardFileConfig; loadedAt: number } | null = options.fileConfig
    ? { config: options.fileConfig, loadedAt: Date.now() }
    : null;

  async function step(what: string, action: () => unknown): Promise<void> {
    try {
      await action();
    } catch (error) {
      logger.error({ err: error }, `shutdown: ${what} failed`);
    }
  }

  async function shutdown(): Promise<void> {
    if (app) {
      // Fastify's close stops accepting first; its preClose sends going-away to live clients, and closeAll
      // destroys the ones that don't answer, so server.close is not held open by a stalled socket.
      const appClosed = app.close();
      if (live)
        await step('closing live sockets', () =>
          live?.closeAll(CLOSE_GOING_AWAY, 'server shutting down', SOCKET_CLOSE_GRACE_MS),
        );
      await step('closing the HTTP server', () => appClosed);
    }
    await step('stopping the log search index', () => searchIndex?.stop());
    health?.stop();
    await alertSender?.stop();
    crontabs?.stop();
    // Ingest commits its last batch while the database is still open.
    dbWatch?.stop();
    if (daemon) await step('stopping ingest', () => daemon?.stop());
    if (db) {
      const client = db.$client;
      // TRUNCATE leaves no WAL behind: a clean stop leaves one self-contained file.
      await step('checkpointing the WAL', () => client.pragma('wal_checkpoint(TRUNCATE)'));
      await step('closing the database', () => client.close());
    }
    if (lock) await step('releasing the instance lock', () => lock?.release());
  }

  function throwIfAborted(): void {
    if (options.signal?.aborted) throw new StartupAborted('interrupted during start-up');
  }

  try {
    try {
      lock = acquireInstanceLock(config.dbFile);
    } catch (error) {
      throw new StartupError(error instanceof InstanceLockedError ? error.message : reasonOf(error));
    }
    try {
      db = openDb(config.dbFile, { migrate: true });
    } catch (error) {
      throw new StartupError(`cannot open the database ${config.dbFile}: ${reasonOf(error)}`);
    }
    dbWatch = watchDbFile(config.dbFile, (reason) => {
      ready = false;
      logger.fatal({ db: config.dbFile }, `${reason}; exiting so a restart opens the database anew`);
      options.onDatabaseLost?.(reason);
    });

    const metrics = createMetrics();
    const hub = createLiveHub({ metrics: metrics.live, ...options.live });
    const wiring = await startHealthAndAlerts({
      db,
      hub,
      logger,
      publicUrlFlag: config.publicUrl,
      fileConfig: () => loaded?.config ?? null,
      crontabPollMs: options.crontabPollMs,
    });
    const { crontabSources, healthMonitor, healthStore, alertsLogger, alertsConfig, publicUrl, alertDelivery } = wiring;
    crontabs = crontabSources;
    alertSender = wiring.alertSender;
    health = healthMonitor;
    live = createLiveRoute(hub, options.liveRoute);
    const liveRoute = live;

    const webDir = config.webDir ?? packagedWebDir();
    if (webDir === null) logger.warn('no built web UI found (run `npm run build`); serving the API only');
    app = await buildApp({
      db,
      runsDir: config.runsDir,
      token: config.token,
      sessionTtlMs: config.sessionTtlMs,
      webDir,
      isReady: () => ready,
      ingestProblems: () => daemon?.problems.list() ?? [],
      metrics,
      logger: logger.child({ component: 'http' }),
      registerLive: (scope) => liveRoute.register(scope),
      pipelineHealth: () =>
        healthMonitor.list().map(({ club, pipeline, health: view }) => ({ club, pipeline, health: view })),
      scheduleHistory: (key) => scheduleHistoryView(healthMonitor, healthStore, key, Date.now()),
      configView: () => buildConfigView(loaded, crontabSources.files(), healthMonitor.list(), publicUrl()),
      alerts: {
        channels: () => alertsConfig().channels.map(channelInfo),
        sendTest: createTestAlertSender({ config: alertDelivery, logger: alertsLogger }),
      },
      // Asked per request: a reload that changes the config file's publicUrl changes which name is answered too.
      hosts: () => ({
        bindHost: config.host,
        publicUrl: publicUrl(),
        allowedHosts: config.allowedHosts,
        allowedOrigins: config.allowedOrigins,
      }),
    });
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (error) {
      throw new StartupError(listenProblem(error, config));
    }
    throwIfAborted();
    const url = displayUrl(app);
    logger.info({ url, runsDir: config.runsDir, db: config.dbFile, auth: config.token !== null }, 'listening');

    daemon = createIngestDaemon({
      runsDir: config.runsDir,
      db,
      logger: logger.child({ component: 'ingest' }),
      maxLineBytes: config.maxLineBytes,
      maxDepth: config.maxDepth,
      identifierFields: config.identifierFields,
      identifierFieldsOf: (club, pipeline) =>
        identifierFieldsFor(loaded?.config ?? null, club, pipeline, config.identifierFields),
      staleAfterMs: config.staleAfterMs,
      retentionDays: config.retentionDays,
      deleteFilesOnRetention: config.deleteFilesOnRetention,
      usePolling: config.poll,
    });
    // Indexed on its own thread from the start, beside catch-up: trigram indexing costs more than ingest, and on a
    // second core it keeps pace instead of doubling the catch-up (searches scan what it has not reached yet).
    const indexer = startLogSearchThread({ dbFile: config.dbFile, logger: logger.child({ component: 'log-search' }) });
    searchIndex = indexer;
    let healthStarted = false;
    daemon.onChange((change: IngestChange) => {
      metrics.observeBatch(change.stats);
      hub.publish(change);
      // Judged after catch-up, from then on every commit: a backlog read at start-up is not news.
      if (healthStarted) {
        healthMonitor.runsChanged(
          change.removedRunIds?.length
            ? 'all'
            : change.runs.map((run) => ({ club: run.clubSlug, pipeline: run.pipeline })),
        );
      }
      // After the commit and the publish: indexing follows ingest, it never delays it.
      indexer.poke();
    });
    throwIfAborted();
    // Catch-up can take a while on a big backlog: a signal meanwhile goes straight to shutdown (which stops the
    // daemon, ending its catch-up at a committed batch) instead of waiting for it to finish.
    const started = daemon.start().then(
      () => 'started' as const,
      (error: unknown) => {
        throw new StartupError(`ingest start-up failed: ${reasonOf(error)}`);
      },
    );
    const aborted = new Promise<'aborted'>((resolve) => {
      if (options.signal?.aborted) resolve('aborted');
      options.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    if ((await Promise.race([started, aborted])) === 'aborted') {
      started.catch(() => undefined);
      throw new StartupAborted('interrupted during start-up');
    }
    healthMonitor.start();
    healthStarted = true;
    ready = true;
    logger.info({ url, liveCursor: hub.cursor }, 'ready: catch-up finished');
    void indexer.caughtUp().then((caughtUp) => caughtUp && logger.info('log search index caught up'));
    const notified = await notifySystemd(['--ready', `--status=listening on ${url}`], env);
    if (!notified.sent && env.NOTIFY_SOCKET) logger.error({ problem: notified.problem }, 'systemd readiness not sent');

    let closing: Promise<void> | null = null;
    return {
      url,
      health: healthMonitor,
      reloadConfig() {
        const file = config.configFile;
        if (file === null) {
          const problems = ['no config file to reload (start with --config FILE or RUNBOARD_CONFIG)'];
          logger.warn({ problems }, 'config reload refused');
          return { ok: false, problems };
        }
        const result = loadConfigFile(file, env);
        if (!result.ok) {
          logger.error({ file, problems: result.problems }, 'config reload refused; keeping the previous config');
          return result;
        }
        loaded = { config: result.config, loadedAt: Date.now() };
        crontabSources.setFiles(result.config.crontabs);
        healthMonitor.sourcesChanged();
        logger.info(
          { file, pipelines: result.config.pipelines.length, crontabs: result.config.crontabs.length },
          'config reloaded',
        );
        return { ok: true, file };
      },
      close() {
        closing ??= (async () => {
          logger.info('shutting down');
          if (env.NOTIFY_SOCKET) void notifySystemd(['STOPPING=1'], env);
          await shutdown();
          logger.info('stopped');
        })();
        return closing;
      },
    };
  } catch (error) {
    await shutdown();
    throw error;
  }
}
