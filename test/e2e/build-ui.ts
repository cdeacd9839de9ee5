// Run under the build lock by ensureUiBuilt(): builds the UI unless another test file just did.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, uiIsStale } from '../support/ui-build.js';

if (uiIsStale()) {
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { cwd: repoRoot, stdio: 'inherit' },
  );
}
