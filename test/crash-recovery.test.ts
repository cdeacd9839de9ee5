// Crash safety: a daemon process is killed with SIGKILL at many random moments while writers append tens of
// thousands of numbered lines across many runs. After a final restart every run has exactly its lines — none
// missing, none twice — its derived counts match, and each file's committed offset equals its size.
// Seeded: prints its seed; RUNBOARD_CRASH_SEED=<seed> replays the same lines, chunking and kill schedule
// (process timing itself cannot be replayed).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  allRuns,
  committedOffset,
  countRows,
  releaseIngestFixtures,
  tempWorld,
  type TempWorld,
} from './fixtures/ingest-harness.js';
import { crashExpectation, crashRunPath } from './fixtures/ingest-crash-lines.js';
import { seededRandom } from './support/seeded-random.js';
import { killChild, spawnFixture, type Child } from './fixtures/ingest-spawn.js';

const RUNS = 24;
const LINES_PER_RUN = 1500; // 36,000 lines
const MIN_KILLS = 16;
const MAX_KILLS = 40;

let world: TempWorld;
const children: Child[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) await killChild(child);
  await releaseIngestFixtures();
});

it('SIGKILL at random moments loses nothing and duplicates nothing', async () => {
  const seed = Number(process.env.RUNBOARD_CRASH_SEED ?? Date.now() % 1_000_000);
  console.log(`crash-recovery seed=${seed} (replay: RUNBOARD_CRASH_SEED=${seed})`);
  const random = seededRandom(seed);
  world = tempWorld();
  const env = { RUNBOARD_RUNS_DIR: world.runsDir, RUNBOARD_DB: world.dbFile };

  const writer = spawnFixture(
    'ingest-crash-writer.ts',
    [world.runsDir, String(seed), String(RUNS), String(LINES_PER_RUN)],
    {
      RUNBOARD_WRITE_MS: '12000',
    },
  );
  children.push(writer);
  let writerDone = false;
  void writer.exited.then(() => (writerDone = true));

  let kills = 0;
  let killedLive = 0;
  while (kills < MAX_KILLS && (kills < MIN_KILLS || !writerDone)) {
    const daemon = spawnFixture('ingest-child.ts', [], env);
    children.push(daemon);
    await daemon.waitFor('opened');
    // Half the time kill during catch-up, half while following live.
    if (random() < 0.5) {
      await daemon.waitFor('ready');
      killedLive++;
    }
    // The random moment of the kill (not a wait for anything to finish).
    await new Promise((r) => setTimeout(r, Math.floor(random() * 250)));
    await killChild(daemon, 'SIGKILL');
    kills++;
  }
  expect((await writer.exited).code).toBe(0);
  console.log(`crash-recovery: ${kills} kills (${killedLive} after ready)`);

  const final = spawnFixture('ingest-child.ts', [], env);
  children.push(final);
  await final.waitFor('ready'); // ready = caught up with everything on disk, and the writer is done
  await killChild(final, 'SIGTERM');
  expect((await final.exited).code).toBe(0);

  const expected = crashExpectation(LINES_PER_RUN);
  const runs = allRuns(world.db);
  expect(runs).toHaveLength(RUNS);
  const rejectsOf = world.db.$client.prepare<[string], { excerpt: string | null }>(
    `SELECT excerpt FROM ingest_rejects WHERE file = ? AND reason = 'invalid_json' ORDER BY offset, id`,
  );
  const seqsOf = world.db.$client.prepare<[number], { seq: number }>(
    `SELECT json_extract(data, '$.seq') AS seq FROM run_logs WHERE run_id = ? ORDER BY offset`,
  );
  for (let r = 0; r < RUNS; r++) {
    const path = crashRunPath(r);
    const run = runs.find((row) => row.sourceFile === path)!;
    expect(run, path).toBeDefined();
    const seqs = seqsOf.all(run.id).map((row) => row.seq);
    // In file order, each number exactly once: nothing missing, nothing twice, nothing torn.
    const rejected = new Set(expected.rejectedSeqs);
    const accepted = Array.from({ length: LINES_PER_RUN }, (_, seq) => seq).filter((seq) => !rejected.has(seq));
    expect(seqs, path).toEqual(accepted);
    // Each invalid line's reject exactly once, in file order.
    const rejectSeqs = rejectsOf.all(path).map((row) => Number(/"seq": (\d+)/.exec(row.excerpt ?? '')?.[1]));
    expect(rejectSeqs, path).toEqual(expected.rejectedSeqs);
    expect(run, path).toMatchObject({
      status: 'success',
      logCount: expected.logs,
      errorCount: expected.errors,
      created: expected.created,
    });
    expect(countRows(world.db, 'run_errors', 'run_id = ?', run.id), path).toBe(expected.errors);
    expect(countRows(world.db, 'run_steps', `run_id = ? AND status = 'success'`, run.id), path).toBe(expected.steps);
    expect(committedOffset(world.db, path), path).toBe(statSync(join(world.runsDir, path)).size);
  }
  expect(countRows(world.db, 'ingest_rejects')).toBe(RUNS * expected.rejectedSeqs.length);
}, 170_000);
