// Bursts of appends less than 5 ms apart that then stop are ingested completely: the last lines of a burst are
// not lost to a throttled or coalesced watcher event.
import { expect } from 'vitest';
import pino from 'pino';
import { once } from 'node:events';
import { allRuns, line, runFile, startDaemon, waitFor, ingestIt as it } from './fixtures/ingest-harness.js';
import { appendFileSync } from 'node:fs';
import { seededRandom } from './support/seeded-random.js';

it('bursts < 5 ms apart across files, each burst then stopping, are fully ingested', async ({ world }) => {
  const seed = Number(process.env.RUNBOARD_BURST_SEED ?? Date.now() % 1_000_000);
  console.log(`ingest-bursts seed=${seed} (replay: RUNBOARD_BURST_SEED=${seed})`);
  const random = seededRandom(seed);
  // Long backstops: the hints and their re-check must do the work.
  await startDaemon(world, { sweepIntervalMs: 60_000 });

  const files = Array.from({ length: 4 }, (_, i) => runFile(world, 'club', 'burst', `plain-${i}`));
  const pinoFile = runFile(world, 'club', 'burst', 'pino');
  const destination = pino.destination({ dest: pinoFile, sync: true });
  const logger = pino({}, destination);
  const expected = new Map<string, number>([...files.map((f) => [f, 0] as const), [pinoFile, 0]]);
  const total = () => [...expected.values()].reduce((a, b) => a + b, 0);
  const ingested = () => world.db.$client.prepare<[], { n: number }>(`SELECT count(*) AS n FROM run_logs`).get()!.n;

  for (let burst = 0; burst < 12; burst++) {
    for (let write = 0; write < 40; write++) {
      const target = Math.floor(random() * (files.length + 1));
      if (target === files.length) {
        logger.info({ burst, write }, 'from pino');
        expected.set(pinoFile, expected.get(pinoFile)! + 1);
      } else {
        const file = files[target]!;
        const n = 1 + Math.floor(random() * 3);
        let text = '';
        for (let k = 0; k < n; k++) text += line({ msg: `b${burst} w${write} k${k}` });
        appendFileSync(file, text);
        expected.set(file, expected.get(file)! + n);
      }
      const gap = Math.floor(random() * 5); // 0..4 ms
      if (gap === 0) await new Promise((r) => setImmediate(r));
      else await new Promise((r) => setTimeout(r, gap));
    }
    // The burst stops here: everything in it must arrive.
    await waitFor(`burst ${burst} fully ingested`, () => ingested() === total(), 15_000);
  }
  destination.flushSync();
  expect(ingested()).toBe(total());
  const runs = allRuns(world.db);
  expect(runs).toHaveLength(5);
  for (const run of runs) {
    const file = [...expected.keys()].find((f) => f.endsWith(`/${run.runKey}.ndjson`))!;
    expect(run.logCount).toBe(expected.get(file));
  }
  destination.end();
  await once(destination, 'close').catch(() => undefined);
});
