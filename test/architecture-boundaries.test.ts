// The architecture is enforced by lint, not by goodwill: an import that crosses a forbidden boundary fails
// `npx eslint .` (eslint.config.js; the README's code map says why each boundary is there).
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/ui-build.js';

const eslint = new ESLint({ cwd: repoRoot });

/** Lints `code` as if it were the existing file `filePath` (so the type-aware rules find it in the project). */
async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['shared/run-path.ts', "import { createIngestDaemon } from '../ingest/daemon.js';\nvoid createIngestDaemon;\n"],
    ['ingest/excerpt.ts', "import { buildApp } from '../server/app.js';\nvoid buildApp;\n"],
    ['server/views.ts', "import { createIngestDaemon } from '../ingest/daemon.js';\nvoid createIngestDaemon;\n"],
    [
      'server/queries/cursor.ts',
      "import type { IngestOptions } from '../../ingest/daemon.js';\nexport type X = IngestOptions;\n",
    ],
    ['server/views.ts', "import { startRunboard } from '../app/main.js';\nvoid startRunboard;\n"],
    ['health/duration.ts', "import { buildApp } from '../server/app.js';\nvoid buildApp;\n"],
    ['alerts/config.ts', "import { createHealthStore } from '../ingest/health-store.js';\nvoid createHealthStore;\n"],
    ['ingest/excerpt.ts', "import { readAlertsConfig } from '../alerts/config.js';\nvoid readAlertsConfig;\n"],
    ['web/format.ts', "import { buildApp } from '../server/app.js';\nvoid buildApp;\n"],
    ['web/format.ts', "import { openDb } from '../shared/db.js';\nvoid openDb;\n"],
  ])('%s may not: %s', async (file, code) => {
    expect(await importErrors(file, code)).toHaveLength(1);
  });

  it.each([
    ['app/web-dir.ts', "import { createIngestDaemon } from '../ingest/daemon.js';\nvoid createIngestDaemon;\n"],
    [
      'server/views.ts',
      "import type { IngestChange } from '../shared/ingest-change.js';\nexport type X = IngestChange;\n",
    ],
    ['web/format.ts', "import type { Db } from '../shared/db.js';\nexport type X = Db;\n"],
    ['web/format.ts', "import { LEVELS } from '../shared/events.js';\nvoid LEVELS;\n"],
  ])('%s may: %s', async (file, code) => {
    expect(await importErrors(file, code)).toEqual([]);
  });
});
