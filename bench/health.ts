// Health evaluation cost: 1,000 pipelines with 100 runs each, every one judged in one pass, as the health timer will
// do on the main thread between ingest batches. Goal (issue 12): a full evaluation under 50 ms.
//
//   npx tsx bench/health.ts [--pipelines 1000] [--runs 100] [--ticks 200]
//
// Prints: the one-off cost of resolving every pipeline's schedule (config load), the first evaluation (every due-time
// window computed by croner), the steady timer tick (1 s apart: windows reused until a due time passes), and an
// evaluation a day later with no new runs (every window recomputed, every pipeline overdue: the worst case).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseConfigFile } from '../health/config-file.js';
import { evaluateHealth, type HealthVerdict, type RunForHealth, type StoredHealth } from '../health/evaluate.js';
import { resolveHealthPolicy, type HealthPolicy } from '../health/resolve-schedule.js';
import { dueTimesAtOrBefore } from '../health/schedule.js';

const { values: args } = parseArgs({
  options: {
    pipelines: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '100' },
    ticks: { type: 'string', default: '200' },
  },
});
const PIPELINES = Number(args.pipelines);
const RUNS = Number(args.runs);
const TICKS = Number(args.ticks);

const MIN = 60_000;
const DAY = 86_400_000;
const ZONES = ['Europe/Amsterdam', 'America/New_York', 'UTC', 'Asia/Tokyo'];
const START = Date.parse('2026-10-20T12:00:00Z');

/** A deterministic mix: daily jobs at many different times, some every 15 min, some per second, some unscheduled. */
function scheduleFor(i: number): string | null {
  if (i % 10 === 0) return null;
  if (i % 10 === 1) return '*/15 * * * *';
  if (i % 50 === 2) return '*/5 * * * * *';
  if (i % 10 === 3) return '0 3 31 * *';
  return `${i % 60} ${i % 24} * * *`;
}

const yaml = [
  'pipelines:',
  ...Array.from({ length: PIPELINES }, (_, i) => {
    const schedule = scheduleFor(i);
    return [
      `  - pipeline: p${i}`,
      ...(schedule ? [`    schedule: "${schedule}"`, `    timezone: ${ZONES[i % ZONES.length]}`] : []),
      `    grace: ${schedule?.split(' ').length === 6 ? '2s' : '5m'}`,
    ].join('\n');
  }),
].join('\n');
const parsed = parseConfigFile(yaml, { file: 'bench.yaml', env: {} });
if (!parsed.ok) throw new Error(parsed.problems[0]?.message);

/**
 * Newest first, started a few seconds after each due time of the pipeline's own schedule (daily every 24 h when it
 * has none); about 1 in 23 failed, 1 in 17 pipelines has a run going, 1 in 40 stopped running 3 occurrences ago
 * (late or missed), so every branch of the evaluator is exercised.
 */
function runsFor(i: number, policy: HealthPolicy): RunForHealth[] {
  const stoppedEarly = i % 40 === 5 ? 3 : 0;
  const dues = policy.schedule
    ? dueTimesAtOrBefore(policy.schedule.compiled, START, RUNS + stoppedEarly).slice(stoppedEarly)
    : Array.from({ length: RUNS }, (_, k) => START - (k + 1) * DAY);
  return dues.map((due, k) => {
    const running = k === 0 && i % 17 === 0;
    // A run going now started a little while ago (an older start would make most of them stuck).
    const startedAt = running ? START - 2 * MIN : due + 200 + (i % 7) * 100;
    const gap = k + 1 < dues.length ? due - (dues[k + 1] ?? 0) : DAY;
    const durationMs = running ? null : Math.min(gap / 2, 9 * MIN + ((i * 31 + k * 17) % 120) * 1000);
    return {
      id: `p${i}-r${k}`,
      status: running ? 'running' : (i + k) % 23 === 0 ? 'failure' : 'success',
      startedAt,
      finishedAt: durationMs === null ? null : startedAt + durationMs,
      durationMs,
      created: (i + k) % 13,
      updated: 40,
      failed: (i + k) % 29 === 0 ? 1 : 0,
      errorCount: 0,
    };
  });
}

function time<T>(fn: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

const resolve = time(() =>
  Array.from({ length: PIPELINES }, (_, i) =>
    resolveHealthPolicy(
      { club: 'default', pipeline: `p${i}` },
      { config: parsed.config.pipelines, crontab: [], defaultTimezone: 'UTC' },
      null,
    ),
  ),
);
const policies: HealthPolicy[] = resolve.result;
const allRuns = policies.map((policy, i) => runsFor(i, policy));
const stored: Array<StoredHealth | null> = Array.from({ length: PIPELINES }, () => null);

function evaluateAll(now: number): HealthVerdict[] {
  const verdicts: HealthVerdict[] = [];
  for (let i = 0; i < PIPELINES; i++) {
    const verdict = evaluateHealth({
      policy: policies[i] as HealthPolicy,
      runs: allRuns[i] as RunForHealth[],
      previous: stored[i] ?? null,
      now,
    });
    if (verdict.change !== 'none') stored[i] = verdict;
    verdicts.push(verdict);
  }
  return verdicts;
}

const first = time(() => evaluateAll(START));
const ticks: number[] = [];
for (let t = 1; t <= TICKS; t++) ticks.push(time(() => evaluateAll(START + t * 1000)).ms);
ticks.sort((a, b) => a - b);
// A day later with no new runs (a daemon back from a long outage): every window is recomputed and nearly every
// pipeline is overdue, so its reason is built, in this one evaluation. The worst a tick gets.
const dayLater = time(() => evaluateAll(START + DAY + TICKS * 1000));

function stateCounts(verdicts: HealthVerdict[]): string {
  const states = new Map<string, number>();
  for (const verdict of verdicts) states.set(verdict.state, (states.get(verdict.state) ?? 0) + 1);
  return [...states].map(([state, count]) => `${state} ${count}`).join(', ');
}

const f = (ms: number): string => `${ms.toFixed(1)} ms`;
console.log(
  `health: ${PIPELINES} pipelines × ${RUNS} runs (node ${process.version}, load average ${loadavg()[0]?.toFixed(1)})`,
);
console.log(`  resolve every schedule (config load, once):   ${f(resolve.ms)}`);
console.log(`  first full evaluation (all windows computed): ${f(first.ms)}`);
console.log(
  `  timer tick, full evaluation (${TICKS} ticks 1 s apart): p50 ${f(percentile(ticks, 0.5))}, p95 ${f(percentile(ticks, 0.95))}, max ${f(ticks.at(-1) ?? NaN)}`,
);
console.log(`  a day later, every pipeline overdue (worst):  ${f(dayLater.ms)}`);
console.log(`  goal: a full evaluation under 50 ms`);
console.log(`  states at the start: ${stateCounts(first.result)}`);
console.log(`  states a day later:  ${stateCounts(dayLater.result)}`);
