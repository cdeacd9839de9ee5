// What route modules need from the app, passed explicitly rather than decorated onto Fastify.
import type { Db } from '../../shared/db.js';
import type { TokenAuth } from '../auth.js';
import type { Metrics } from '../metrics.js';

export interface RouteContext {
  db: Db;
  /** Absolute runs directory: the only place a route may read a run file from. */
  runsDir: string;
  isReady: () => boolean;
  metrics: Metrics;
  auth: TokenAuth;
}
