// Lines/s of the run logger against plain pino writing the same line shape to a file (sync destination both).
// Usage: npx tsx bench/run-logger.ts [lines per round] [rounds]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startRun } from '../shared/run-logger.js';

const LINES = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'runboard-bench-logger-'));
const bindings = { run: '20261123T000000000Z-bench000', pipeline: 'people', club: 'rondo' };

interface Case {
  name: string;
  /** Writes `lines` lines; returns the file written. */
  run(lines: number, round: number): Promise<string>;
}

const cases: Case[] = [
  {
    name: 'plain pino, child with run bindings',
    run(lines, round) {
      const file = join(dir, `plain-${round}.ndjson`);
      const destination = pino.destination({ dest: file, sync: true, mkdir: true });
      const log = pino(destination).child(bindings);
      for (let i = 0; i < lines; i++) log.info({ member: i, batch: 7 }, 'member synced');
      destination.end();
      return Promise.resolve(file);
    },
  },
  {
    name: 'run logger: run.log.info',
    async run(lines, round) {
      const run = startRun({ pipeline: 'people', club: 'rondo', runsDir: join(dir, `rl-${round}`), env: {} });
      for (let i = 0; i < lines; i++) run.log.info({ member: i, batch: 7 }, 'member synced');
      await run.end();
      return run.file!;
    },
  },
  {
    name: 'run logger: step.log.info + count + progress',
    async run(lines, round) {
      const run = startRun({ pipeline: 'people', club: 'rondo', runsDir: join(dir, `rs-${round}`), env: {} });
      await run.step('submit', (step) => {
        for (let i = 0; i < lines; i++) {
          step.log.info({ member: i, batch: 7 }, 'member synced');
          step.count({ updated: 1 });
          step.progress(i + 1, lines);
        }
      });
      await run.end();
      return run.file!;
    },
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const results = new Map<string, { rates: number[]; bytes: number }>();
for (const c of cases) await c.run(20_000, -1); // warm up the JIT and the page cache
for (let round = 0; round < ROUNDS; round++) {
  // Interleave the cases each round so machine noise hits all of them alike.
  for (const c of cases) {
    const started = process.hrtime.bigint();
    const file = await c.run(LINES, round);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const entry = results.get(c.name) ?? { rates: [], bytes: 0 };
    entry.rates.push(LINES / seconds);
    entry.bytes = statSync(file).size / LINES;
    results.set(c.name, entry);
  }
}
rmSync(dir, { recursive: true, force: true });

const baseline = median(results.get(cases[0]!.name)!.rates);
console.log(`run logger vs plain pino — ${LINES.toLocaleString('en')} lines x ${ROUNDS} rounds, sync file destination`);
console.log(
  `${'case'.padEnd(46)} ${'median lines/s'.padStart(15)} ${'best lines/s'.padStart(13)} ${'vs plain'.padStart(9)} ${'bytes/line'.padStart(11)}`,
);
for (const [name, { rates, bytes }] of results) {
  const med = median(rates);
  console.log(
    `${name.padEnd(46)} ${Math.round(med).toLocaleString('en').padStart(15)} ${Math.round(Math.max(...rates))
      .toLocaleString('en')
      .padStart(13)} ${`${((med / baseline) * 100).toFixed(0)}%`.padStart(9)} ${bytes.toFixed(0).padStart(11)}`,
  );
}
