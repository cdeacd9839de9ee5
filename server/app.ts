// The HTTP side of runboard: REST API, auth, metrics, OpenAPI and the built UI, on one Fastify instance.
// The process entry (app/main.ts) owns ingest, listening and shutdown; this only builds the app.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { ConfigView, IngestProblem } from '../shared/api.js';
import type { PipelineHealthChange, ScheduleHistoryView } from '../shared/health.js';
import type { Db } from '../shared/db.js';
import { migrationsFolder } from '../shared/db.js';
import { DEFAULT_SESSION_TTL_MS, SESSION_COOKIE, createTokenAuth, requireToken } from './auth.js';
import { DEFAULT_FAILURE_LIMIT, type FailureLimitOptions } from './failure-limiter.js';
import { guardHostAndOrigin } from './host-guard.js';
import { createHostPolicy, followHostPolicy, type HostPolicyOptions } from './host-policy.js';
import type { Metrics } from './metrics.js';
import { QueryPool, QueryPoolBusy, type QueryPoolOptions } from './query-pool/pool.js';
import { countRunsByStatus } from './queries/runs.js';
import { registerCompareRoute } from './routes/compare.js';
import { registerConfigRoute } from './routes/config.js';
import type { AlertsSurface, RouteContext } from './routes/context.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { registerErrorAckRoutes } from './routes/error-acks.js';
import { registerErrorRoutes } from './routes/errors.js';
import { registerHealthRoute, registerReadyRoute } from './routes/health.js';
import { registerIngestProblemsRoute } from './routes/ingest-problems.js';
import { apiErrorHandler } from './routes/http-errors.js';
import { registerLogFileRoute } from './routes/log-file.js';
import { registerLogsRoute } from './routes/logs.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerOpenApiRoute } from './routes/openapi.js';
import { registerPipelineHistoryRoutes } from './routes/pipeline-history.js';
import { registerPipelinesRoute } from './routes/pipelines.js';
import { registerRejectsRoute } from './routes/rejects.js';
import { registerRunsRoutes } from './routes/runs.js';
import { sharedSchemas } from './routes/schemas.js';
import { registerSerialisableItems } from './routes/serialisable-items.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerSecurityHeaders } from './static-headers.js';
import { registerStaticUi } from './static.js';

export interface AppOptions {
  db: Db;
  /** Absolute path of the runs directory. */
  runsDir: string;
  /** When set, every /api/* route (except /api/health and the login routes), /metrics and the socket need it. */
  token: string | null;
  /** The built UI (dist/web) to serve, or null for none. */
  webDir: string | null;
  /** /api/ready: migrations applied and ingest catch-up finished. */
  isReady: () => boolean;
  /** Current ingest problems, for /api/ingest/problems, /api/ready and /metrics (default: none). */
  ingestProblems?: () => IngestProblem[];
  metrics: Metrics;
  /** A pino instance, or false (tests) / true (Fastify's default logger). */
  logger: FastifyBaseLogger | boolean;
  /** The live hub's WebSocket route, registered inside the authenticated scope. */
  registerLive?: (app: FastifyInstance) => Promise<void>;
  /** How long a login lasts (default 7 days). */
  sessionTtlMs?: number;
  /** Wrong tokens (login or Bearer) allowed per client address per window. */
  failureLimit?: FailureLimitOptions;
  /**
   * Which Host and Origin headers are this server's; default: bound to 127.0.0.1, nothing else configured. A
   * function is asked again on each request (a config reload may change the public URL).
   */
  hosts?: HostPolicyOptions | (() => HostPolicyOptions);
  /** Every judged pipeline's health, for GET /api/pipelines (default: none). */
  pipelineHealth?: () => PipelineHealthChange[];
  /** Expected against actual start times of a tracked pipeline (default: none tracked). */
  scheduleHistory?: (key: { club: string; pipeline: string }) => ScheduleHistoryView | null;
  /** The effective configuration for GET /api/config (default: no config file, nothing scheduled). */
  configView?: () => ConfigView;
  /** The alert channels and their test send (default: no channels). */
  alerts?: AlertsSurface;
  /** The REST queries' worker pool (server/query-pool), on the database `db` was opened from. Closed with the app. */
  queryPool?: Omit<QueryPoolOptions, 'dbFile'>;
}

const LOOPBACK_ONLY: HostPolicyOptions = {
  bindHost: '127.0.0.1',
  publicUrl: null,
  allowedHosts: [],
  allowedOrigins: [],
};

const NO_ALERTS: AlertsSurface = {
  channels: () => [],
  sendTest: (channel) =>
    Promise.resolve({ channel, ok: false, at: Date.now(), error: 'no alert channels are configured' }),
};

/** Requests carry tokens and small JSON bodies at most (login). */
const BODY_LIMIT_BYTES = 16 * 1024;

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(dirname(migrationsFolder()), 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  // A dashboard polls; a log line per request would drown journald. Failures are logged by the error handler.
  const common = { bodyLimit: BODY_LIMIT_BYTES, logController: new LogController({ disableRequestLogging: true }) };
  const app: FastifyInstance =
    typeof options.logger === 'boolean'
      ? Fastify({ ...common, logger: options.logger })
      : Fastify({ ...common, loggerInstance: options.logger });

  const auth = createTokenAuth({
    token: options.token,
    db: options.db,
    sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
    failureLimit: options.failureLimit ?? DEFAULT_FAILURE_LIMIT,
  });
  // Reads run on worker threads with their own connections, so a search never holds up ingest or /api/health.
  const queries = new QueryPool({ ...options.queryPool, dbFile: options.db.$client.name });
  app.addHook('onClose', () => queries.close());
  const hosts = options.hosts ?? LOOPBACK_ONLY;
  const hostPolicy = typeof hosts === 'function' ? followHostPolicy(hosts) : createHostPolicy(hosts);
  const ctx: RouteContext = {
    queries,
    db: options.db,
    runsDir: options.runsDir,
    isReady: options.isReady,
    ingestProblems: options.ingestProblems ?? (() => []),
    metrics: options.metrics,
    auth,
    pipelineHealth: options.pipelineHealth ?? (() => []),
    scheduleHistory: options.scheduleHistory ?? (() => null),
    configView:
      options.configView ??
      (() => ({ publicUrl: null, file: null, loadedAt: null, document: {}, crontabs: [], pipelines: [] })),
    alerts: options.alerts ?? NO_ALERTS,
  };
  options.metrics.setRunsByStatusSource(() => countRunsByStatus(options.db));
  options.metrics.setIngestProblemsSource(() => ctx.ingestProblems());

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof QueryPoolBusy) void reply.header('retry-after', String(error.retryAfterSeconds));
    return apiErrorHandler(error, request, reply);
  });
  // First of all hooks: a request for another host, or a socket from another origin, gets nothing else.
  app.addHook('onRequest', guardHostAndOrigin(hostPolicy));
  for (const schema of sharedSchemas) app.addSchema(schema);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'runboard',
        version: packageVersion(),
        description: 'Live run dashboard for cron-driven pipelines. Live updates: WebSocket at /api/live.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: options.token === null ? [] : [{ bearer: [] }, { session: [] }],
    },
    // Keep the $id names (RunView, ...) as component names instead of def-0, def-1.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });
  registerSecurityHeaders(app);
  registerSerialisableItems(app);

  // Open: liveness and the login routes (the UI needs them to ask for a token).
  registerHealthRoute(app);
  registerSessionRoutes(app, ctx);

  await app.register(async (scope) => {
    scope.addHook('onRequest', requireToken(auth));
    registerReadyRoute(scope, ctx);
    registerPipelinesRoute(scope, ctx);
    registerPipelineHistoryRoutes(scope, ctx);
    registerRunsRoutes(scope, ctx);
    registerCompareRoute(scope, ctx);
    registerLogsRoute(scope, ctx);
    registerLogFileRoute(scope, ctx);
    registerErrorRoutes(scope, ctx);
    registerErrorAckRoutes(scope, ctx);
    registerRejectsRoute(scope, ctx);
    registerIngestProblemsRoute(scope, ctx);
    registerConfigRoute(scope, ctx);
    registerAlertRoutes(scope, ctx);
    registerMetricsRoute(scope, ctx);
    registerOpenApiRoute(scope);
    if (options.registerLive) await options.registerLive(scope);
  });

  await registerStaticUi(app, options.webDir);
  return app;
}
