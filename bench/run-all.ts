// `npm run bench`: every bench/*.ts script except this one, one after another, each in its own process.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const scripts = readdirSync(benchDir)
  .filter((name) => name.endsWith('.ts') && name !== self && !name.endsWith('.d.ts'))
  .sort();

let failed = 0;
for (const script of scripts) {
  console.log(`\n== bench/${script}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, script)], {
    cwd: join(benchDir, '..'),
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    failed++;
    console.log(`bench/${script} failed (${result.signal ?? `exit ${result.status}`})`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
