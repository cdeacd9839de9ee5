// A real `runboard start` child process on a temp data directory and an ephemeral port, as an operator runs it.
// It can be stopped and started again on the same port and data (the reconnect tests).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './ui-build.js';

export interface RunboardProcess {
  url: string;
  port: number;
  dir: string;
  runsDir: string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** Start again on the same port, runs directory and database. */
  restart(): Promise<void>;
  /** Stop and delete the data directory. */
  dispose(): Promise<void>;
}

interface Started {
  child: ChildProcess;
  url: string;
}

function launch(args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli.ts', 'start', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<Started>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`runboard start did not become ready within 60 s; stderr: ${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`runboard start exited with ${code} before ready; stderr: ${stderr}`));
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (text) => {
      let record: { msg?: unknown; url?: unknown };
      try {
        record = JSON.parse(text) as { msg?: unknown; url?: unknown };
      } catch {
        return;
      }
      if (typeof record.msg === 'string' && record.msg.startsWith('ready') && typeof record.url === 'string') {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, url: record.url });
      }
    });
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startRunboardProcess(
  options: { token?: string; /** More `runboard start` flags, e.g. `--config FILE`. */ args?: string[] } = {},
): Promise<RunboardProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-e2e-'));
  const runsDir = join(dir, 'runs');
  const base = [
    '--runs-dir',
    runsDir,
    '--db',
    join(dir, 'db', 'dashboard.sqlite'),
    '--log-level',
    'info',
    ...(options.args ?? []),
  ];
  // The token goes by environment, so it is not visible in the process list.
  const env: NodeJS.ProcessEnv = options.token ? { RUNBOARD_TOKEN: options.token } : {};
  let current = await launch([...base, '--port', '0'], env);
  const port = Number(new URL(current.url).port);
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    current.child.kill('SIGTERM');
    await waitForExit(current.child);
  };

  return {
    url: current.url,
    port,
    dir,
    runsDir,
    stop,
    async restart() {
      await stop();
      current = await launch([...base, '--port', String(port)], env);
      stopped = false;
    },
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
