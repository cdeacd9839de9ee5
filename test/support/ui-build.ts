// The e2e tests drive the built UI as the daemon serves it. Build it when dist/web is missing or older than
// the web sources; a file lock keeps parallel test files from building at the same time.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const builtIndex = join(repoRoot, 'dist', 'web', 'index.html');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function uiIsStale(): boolean {
  if (!existsSync(builtIndex)) return true;
  const sources = Math.max(
    newestMtime(join(repoRoot, 'web')),
    newestMtime(join(repoRoot, 'shared', 'api.ts')),
    newestMtime(join(repoRoot, 'shared', 'events.ts')),
    newestMtime(join(repoRoot, 'shared', 'api-compare.ts')),
    newestMtime(join(repoRoot, 'shared', 'normal-range.ts')),
    newestMtime(join(repoRoot, 'shared', 'end-reason.ts')),
  );
  return sources > statSync(builtIndex).mtimeMs;
}

/** Builds the UI if needed (under a lock, re-checking once it holds it). */
export function ensureUiBuilt(): void {
  if (!uiIsStale()) return;
  const lock = join(tmpdir(), `runboard-web-build-${Buffer.from(repoRoot).toString('hex').slice(-24)}.lock`);
  execFileSync('flock', [lock, process.execPath, '--import', 'tsx', join(repoRoot, 'test', 'e2e', 'build-ui.ts')], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 180_000,
  });
}
