// `startRunboard` in this process (real ingest, SQLite file, HTTP and WebSocket), for tests that need a server
// option the command line does not expose, such as a small live send-buffer bound.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { resolveConfig } from '../../app/config.js';
import { startRunboard, type StartOptions } from '../../app/main.js';

export interface InProcessServer {
  url: string;
  runsDir: string;
  close(): Promise<void>;
}

export async function startInProcessServer(
  options: { token?: string; port?: number } & Pick<StartOptions, 'live'> = {},
): Promise<InProcessServer> {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-e2e-inproc-'));
  const runsDir = join(dir, 'runs');
  const argv = [
    '--port',
    String(options.port ?? 0),
    '--runs-dir',
    runsDir,
    '--db',
    join(dir, 'db', 'dashboard.sqlite'),
  ];
  if (options.token) argv.push('--token', options.token);
  const resolved = resolveConfig(argv, {}, dir);
  if (!resolved.ok) throw new Error(resolved.problems.join('; '));
  const running = await startRunboard(resolved.config, {
    logger: pino({ level: 'silent' }),
    env: {},
    live: options.live,
  });
  return {
    url: running.url,
    runsDir,
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
