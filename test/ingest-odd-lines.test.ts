// Lines that parse but would once stop their file or mislead the run: one nested 5,000 levels deep, one the fold
// throws on, times outside a sane window, and a club/pipeline that disagree with the file's path.
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRow } from '../shared/schema.js';
import {
  append,
  committedOffset,
  line,
  logsOf,
  messagesOf,
  rejects,
  releaseIngestFixtures,
  runByKey,
  runFile,
  startDaemon,
  tempWorld,
  waitFor,
} from './fixtures/ingest-harness.js';

afterEach(releaseIngestFixtures);

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('a deeply nested line', () => {
  it('is rejected as too_deep and every other line of its file is ingested', async () => {
    const world = tempWorld();
    const file = runFile(world, 'c', 'p', 'deep');
    const deep = `{"level":30,"time":${Date.now()},"msg":"deep","payload":${nested(5000)}}\n`;
    const content = line({ msg: 'before' }) + deep + line({ msg: 'after' });
    writeFileSync(file, content);
    await startDaemon(world);
    const run = runByKey(world.db, 'deep')!;
    expect(messagesOf(world.db, run.id)).toEqual(['before', 'after']);
    expect(rejects(world.db).map((r) => [r.reason, r.detail])).toEqual([
      ['too_deep', 'line is nested more than 64 levels deep'],
    ]);
    expect(committedOffset(world.db, 'c/p/deep.ndjson')).toBe(Buffer.byteLength(content));
  });

  it('honours a configured depth limit', async () => {
    const world = tempWorld();
    const file = runFile(world, 'c', 'p', 'limit');
    writeFileSync(file, line({ msg: 'three', payload: [[1]] }) + line({ msg: 'four', payload: [[[1]]] }));
    await startDaemon(world, { maxDepth: 3 });
    expect(messagesOf(world.db, runByKey(world.db, 'limit')!.id)).toEqual(['three']);
    expect(rejects(world.db).map((r) => r.reason)).toEqual(['too_deep']);
  });

  it('that the fold throws on (no depth limit at all) is rejected as fold_failed, and the file goes on', async () => {
    const world = tempWorld();
    const file = runFile(world, 'c', 'p', 'fold');
    // Parsed fine without a limit, but storing its data (JSON.stringify recurses) overflows the stack.
    const deep = `{"level":30,"time":${Date.now()},"msg":"too deep to store","payload":${nested(400_000)}}\n`;
    writeFileSync(file, line({ msg: 'before', event: 'run.start' }) + deep + line({ msg: 'after' }));
    await startDaemon(world, { maxDepth: Number.POSITIVE_INFINITY, maxLineBytes: 4 << 20 });
    const run = runByKey(world.db, 'fold')!;
    expect(messagesOf(world.db, run.id)).toEqual(['before', 'after']);
    expect(run.logCount).toBe(2);
    const [reject] = rejects(world.db);
    expect(reject).toMatchObject({ reason: 'fold_failed', excerpt: 'too deep to store' });
    expect(reject?.detail).toContain('call stack');
    append(file, line({ msg: 'later' }));
    await waitFor('a line after the failed one', () => runByKey(world.db, 'fold')!.logCount === 3);
  });
});

describe('times outside the sane window', () => {
  it('are kept on the line but do not drive the run; the ingest time is used and the line says so', async () => {
    const world = tempWorld();
    const file = runFile(world, 'c', 'p', 'clock');
    const now = Date.now();
    writeFileSync(
      file,
      [
        line({ msg: 'fine', event: 'run.start', time: now - 1000 }),
        line({ msg: '1999', time: 915_148_800_000 }),
        line({ msg: '1e300', time: 1e300 }),
        line({ msg: 'negative', time: -5 }),
        line({ msg: 'next year', time: now + 400 * 24 * 3600 * 1000 }),
        line({ msg: 'end', event: 'run.end', outcome: 'success', time: now }),
      ].join(''),
    );
    await startDaemon(world);
    const run = runByKey(world.db, 'clock')!;
    expect(run.startedAt).toBe(now - 1000);
    expect(run.finishedAt).toBe(now);
    expect(run.lastEventAt).toBeLessThanOrEqual(Date.now() + 1000);
    const logs = logsOf(world.db, run.id);
    expect(logs.map((l) => l.msg)).toEqual(['fine', '1999', '1e300', 'negative', 'next year', 'end']);
    for (const row of logs.slice(1, 5)) {
      expect(row.time).toBeGreaterThanOrEqual(now - 60_000);
      expect(row.time).toBeLessThanOrEqual(Date.now());
      const note = (JSON.parse(row.data!) as { _runboard: { time: { value: number; why: string } } })._runboard.time;
      expect(note.why).toContain('ingest time');
    }
    const noted = (row: LogRow) => (JSON.parse(row.data!) as { _runboard: { time: { value: number } } })._runboard;
    expect(noted(logs[1]!).time.value).toBe(915_148_800_000);
    expect(noted(logs[2]!).time.value).toBe(1e300);
  });
});

describe("a line's club and pipeline", () => {
  it('never place the run: the path does; the line keeps them as data', async () => {
    const world = tempWorld();
    const file = runFile(world, 'attacker', 'p', 'claim');
    writeFileSync(
      file,
      line({ msg: 'claims clubB', club: 'clubB', pipeline: 'payroll', event: 'run.start' }) +
        line({ msg: 'error in clubB', club: 'clubB', level: 50 }),
    );
    const agreeing = runFile(world, 'Club-A', 'p', 'nice');
    // Written by the run logger for club "Club A": the path holds its path-safe form.
    writeFileSync(agreeing, line({ msg: 'hello', club: 'Club A', event: 'run.start' }));
    await startDaemon(world);
    const run = runByKey(world.db, 'claim')!;
    expect([run.clubSlug, run.pipeline]).toEqual(['attacker', 'p']);
    const count = (sql: string) => world.db.$client.prepare<[], { n: number }>(sql).get()!.n;
    expect(count(`SELECT count(*) AS n FROM runs WHERE club_slug = 'clubB'`)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM run_errors WHERE club_slug = 'clubB'`)).toBe(0);
    const data = JSON.parse(logsOf(world.db, run.id)[0]!.data!) as { _runboard: Record<string, { value: string }> };
    expect(data._runboard.club?.value).toBe('clubB');
    expect(data._runboard.pipeline?.value).toBe('payroll');
    expect(runByKey(world.db, 'nice')?.clubSlug).toBe('Club A');
  });
});
