// SIGTERM while pipelines are writing: the daemon stops accepting, commits what it has read, checkpoints the WAL
// and exits 0; after a restart the database holds every line exactly once. Real child process, real pino writers.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startRun, type RunHandle } from '../shared/run-logger.js';
import { killChildren, spawnRunboard } from './fixtures/live-child-process.js';
import { waitFor } from './fixtures/live-wait.js';

const dirs: string[] = [];
afterEach(async () => {
  await killChildren();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Writer {
  run: RunHandle;
  written: number;
}

function numberedLines(db: Database.Database, runKey: string): number[] {
  const rows = db
    .prepare(
      `SELECT l.msg FROM run_logs l JOIN runs r ON r.id = l.run_id
       WHERE r.run_key = ? AND l.msg LIKE 'line %' ORDER BY l.offset`,
    )
    .all(runKey) as Array<{ msg: string }>;
  return rows.map((row) => Number(row.msg.slice(5)));
}

describe('shutdown on SIGTERM', () => {
  it('exits 0 while writers append, loses nothing, and a restart completes every run exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runboard-sigterm-'));
    dirs.push(dir);
    const runsDir = join(dir, 'runs');
    const dbFile = join(dir, 'db', 'dashboard.sqlite');
    const args = ['start', '--port', '0', '--runs-dir', runsDir, '--db', dbFile];

    const first = spawnRunboard(args);
    const url = await first.waitReady();

    const writers: Writer[] = Array.from({ length: 6 }, (_, i) => ({
      run: startRun({ pipeline: `pipe-${i}`, club: 'club', runsDir, handleProcessEnd: false }),
      written: 0,
    }));
    let writing = true;
    const writing$ = Promise.all(
      writers.map(async (writer) => {
        while (writing) {
          for (let i = 0; i < 20; i++) writer.run.log.info({ n: writer.written }, `line ${writer.written++}`);
          await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );

    // Let ingest get going (lines committed), then stop it mid-stream.
    for (const deadline = Date.now() + 20_000; ;) {
      const runs = (await (await fetch(`${url}/api/runs?limit=50`)).json()) as { items: Array<{ logCount: number }> };
      if (runs.items.length === writers.length && runs.items.every((r) => r.logCount > 100)) break;
      if (Date.now() > deadline) throw new Error('ingest did not get going');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const writtenAtSignal = writers.map((w) => w.written);
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    writing = false;
    await writing$;

    expect(exit, `stderr: ${first.stderr()}`).toEqual({ code: 0, signal: null });
    expect(first.stderr()).toBe('');
    expect(first.logLines().map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    // The WAL was checkpointed into the database file and truncated.
    const wal = `${dbFile}-wal`;
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);

    // Everything written before the signal was read and committed by the stopping daemon, in order, once.
    const afterStop = new Database(dbFile, { readonly: true });
    for (const [i, writer] of writers.entries()) {
      const stored = numberedLines(afterStop, writer.run.runId);
      expect(stored.length).toBeGreaterThanOrEqual(writtenAtSignal[i] as number);
      expect(stored).toEqual(Array.from({ length: stored.length }, (_, n) => n));
    }
    afterStop.close();

    for (const writer of writers) await writer.run.end();
    const second = spawnRunboard(args);
    await second.waitReady();
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const db = new Database(dbFile, { readonly: true });
    for (const writer of writers) {
      expect(numberedLines(db, writer.run.runId)).toEqual(Array.from({ length: writer.written }, (_, n) => n));
    }
    const files = db.prepare('SELECT path, committed_offset AS committed FROM ingest_files').all() as Array<{
      path: string;
      committed: number;
    }>;
    expect(files).toHaveLength(writers.length);
    for (const file of files) expect(file.committed).toBe(statSync(join(runsDir, file.path)).size);
    db.close();
  }, 90_000);

  it('a signal during the start-up catch-up stops cleanly (exit 0) and a restart completes every run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runboard-sigterm-catchup-'));
    dirs.push(dir);
    const runsDir = join(dir, 'runs');
    const dbFile = join(dir, 'db', 'dashboard.sqlite');
    const args = ['start', '--port', '0', '--runs-dir', runsDir, '--db', dbFile];
    // A backlog big enough that catch-up is likely (not required) to be running when the signal lands.
    const linesPerRun = 8000;
    const runKeys: string[] = [];
    for (let r = 0; r < 25; r++) {
      const run = startRun({ pipeline: `backlog-${r}`, club: 'club', runsDir, handleProcessEnd: false });
      for (let n = 0; n < linesPerRun; n++) run.log.info({ n }, `line ${n}`);
      await run.end();
      runKeys.push(run.runId);
    }

    const first = spawnRunboard(args);
    await waitFor(() => first.logLines().some((l) => l.msg === 'listening'), 'the daemon to listen');
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit, `stderr: ${first.stderr()}`).toEqual({ code: 0, signal: null });
    expect(first.stderr()).toBe('');

    console.log(
      'catch-up signal test:',
      first
        .logLines()
        .map((l) => l.msg)
        .slice(-4)
        .join(' | '),
    );
    // Whatever was committed is a clean prefix of each file, never more than the file and never a gap.
    const afterStop = new Database(dbFile, { readonly: true });
    for (const runKey of runKeys) {
      const stored = numberedLines(afterStop, runKey);
      expect(stored).toEqual(Array.from({ length: stored.length }, (_, n) => n));
    }
    afterStop.close();

    const second = spawnRunboard(args);
    await second.waitReady(60_000);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const db = new Database(dbFile, { readonly: true });
    for (const runKey of runKeys) {
      expect(numberedLines(db, runKey)).toEqual(Array.from({ length: linesPerRun }, (_, n) => n));
    }
    db.close();
  }, 120_000);
});
