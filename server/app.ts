// The HTTP side of runboard: REST API, auth, metrics, OpenAPI and the built UI, on one Fastify instance.
// The process entry (server/main.ts) owns ingest, listening and shutdown; this only builds the app.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Db } from '../shared/db.js';
import { migrationsFolder } from '../shared/db.js';
import { SESSION_COOKIE, createTokenAuth, requireToken } from './auth.js';
import type { Metrics } from './metrics.js';
import { QueryPool, QueryPoolBusy, type QueryPoolOptions } from './query-pool/pool.js';
import { countRunsByStatus } from './queries/runs.js';
import type { RouteContext } from './routes/context.js';
import { registerErrorRoutes } from './routes/errors.js';
import { registerHealthRoute, registerReadyRoute } from './routes/health.js';
import { apiErrorHandler } from './routes/http-errors.js';
import { registerLogFileRoute } from './routes/log-file.js';
import { registerLogsRoute } from './routes/logs.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerOpenApiRoute } from './routes/openapi.js';
import { registerPipelinesRoute } from './routes/pipelines.js';
import { registerRejectsRoute } from './routes/rejects.js';
import { registerRunsRoutes } from './routes/runs.js';
import { sharedSchemas } from './routes/schemas.js';
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
  metrics: Metrics;
  /** A pino instance, or false (tests) / true (Fastify's default logger). */
  logger: FastifyBaseLogger | boolean;
  /** The live hub's WebSocket route, registered inside the authenticated scope. */
  registerLive?: (app: FastifyInstance) => Promise<void>;
  /** The REST queries' worker pool (server/query-pool), on the database `db` was opened from. Closed with the app. */
  queryPool?: Omit<QueryPoolOptions, 'dbFile'>;
}

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

  const auth = createTokenAuth(options.token);
  // Reads run on worker threads with their own connections, so a search never holds up ingest or /api/health.
  const queries = new QueryPool({ ...options.queryPool, dbFile: options.db.$client.name });
  app.addHook('onClose', () => queries.close());
  const ctx: RouteContext = {
    queries,
    db: options.db,
    runsDir: options.runsDir,
    isReady: options.isReady,
    metrics: options.metrics,
    auth,
  };
  options.metrics.setRunsByStatusSource(() => countRunsByStatus(options.db));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof QueryPoolBusy) void reply.header('retry-after', String(error.retryAfterSeconds));
    return apiErrorHandler(error, request, reply);
  });
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

  // Open: liveness and the login routes (the UI needs them to ask for a token).
  registerHealthRoute(app);
  registerSessionRoutes(app, ctx);

  await app.register(async (scope) => {
    scope.addHook('onRequest', requireToken(auth));
    registerReadyRoute(scope, ctx);
    registerPipelinesRoute(scope, ctx);
    registerRunsRoutes(scope, ctx);
    registerLogsRoute(scope, ctx);
    registerLogFileRoute(scope, ctx);
    registerErrorRoutes(scope, ctx);
    registerRejectsRoute(scope, ctx);
    registerMetricsRoute(scope, ctx);
    registerOpenApiRoute(scope);
    if (options.registerLive) await options.registerLive(scope);
  });

  await registerStaticUi(app, options.webDir);
  return app;
}
