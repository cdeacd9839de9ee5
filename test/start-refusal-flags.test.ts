// Flag values that parse but cannot work are refused like malformed ones: one line on stderr, exit 2, before
// anything starts. Real child processes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, spawnRunboard } from './fixtures/live-child-process.js';

const dirs: string[] = [];
afterEach(async () => {
  await killChildren();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataArgs(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-flags-'));
  dirs.push(dir);
  return ['--port', '0', '--runs-dir', join(dir, 'runs'), '--db', join(dir, 'db', 'dashboard.sqlite')];
}

/** Runs `runboard start` to its exit; expects exit 2 and returns its single stderr line. */
async function refusal(args: string[], env: Record<string, string> = {}): Promise<string> {
  const started = spawnRunboard(['start', ...args], { env });
  const { code } = await started.exited;
  const stderr = started.stderr();
  expect(code, `exit code (stderr: ${stderr})`).toBe(2);
  const lines = stderr.trimEnd().split('\n');
  expect(lines, 'exactly one line on stderr').toHaveLength(1);
  return lines[0] as string;
}

describe('runboard start refuses, with exit 2', () => {
  it('a --web-dir that does not exist, or holds no built UI', async () => {
    expect(await refusal([...dataArgs(), '--web-dir', '/nonexistent'])).toBe(
      'runboard start: the web UI directory /nonexistent does not exist (--web-dir / RUNBOARD_WEB_DIR)',
    );
    const empty = mkdtempSync(join(tmpdir(), 'runboard-web-'));
    dirs.push(empty);
    mkdirSync(join(empty, 'assets'));
    expect(await refusal(dataArgs(), { RUNBOARD_WEB_DIR: empty })).toBe(
      `runboard start: the web UI directory ${empty} holds no built UI, no index.html (--web-dir / RUNBOARD_WEB_DIR; run \`npm run build\`)`,
    );
    const file = join(empty, 'file');
    writeFileSync(file, 'x');
    expect(await refusal([...dataArgs(), '--web-dir', file])).toBe(
      `runboard start: the web UI directory ${file} is not a directory (--web-dir / RUNBOARD_WEB_DIR)`,
    );
  });

  it('a negative --port, saying what a port is', async () => {
    expect(await refusal([...dataArgs(), '--port', '-1'])).toBe(
      'runboard start: --port: "-1" is not a port number (an integer 0..65535)',
    );
  });
});
