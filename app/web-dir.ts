// `--web-dir` must hold a built UI: a typo would otherwise start a dashboard that silently serves no UI.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const WHICH = '--web-dir / RUNBOARD_WEB_DIR';

/** Why `dir` cannot be served as the web UI, or null when it holds one. */
export function webDirProblem(dir: string): string | null {
  let stats;
  try {
    stats = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'error';
    return `the web UI directory ${dir} cannot be read (${code}; ${WHICH})`;
  }
  if (stats === undefined) return `the web UI directory ${dir} does not exist (${WHICH})`;
  if (!stats.isDirectory()) return `the web UI directory ${dir} is not a directory (${WHICH})`;
  if (!existsSync(join(dir, 'index.html')))
    return `the web UI directory ${dir} holds no built UI, no index.html (${WHICH}; run \`npm run build\`)`;
  return null;
}
