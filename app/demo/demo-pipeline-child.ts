// One demo pipeline process: `demo-pipeline-child.ts '<DemoChildArgs JSON>'` (started by demo-pipelines.ts).
// Live mode runs one run in real time — download → prepare → submit with progress, counts and record errors —
// and fails, throws or kills itself when its scenario says so. History mode writes past runs on a simulated clock.
import { statSync, truncateSync } from 'node:fs';
import { startRun, type RunHandle } from '../../shared/run-logger.js';
import { newRunId } from '../../shared/run-id.js';
import {
  demoScenario,
  findDemoPipeline,
  type DemoChildArgs,
  type DemoPipeline,
  type DemoScenario,
} from './demo-pipelines.js';

const args = JSON.parse(process.argv[2] ?? '{}') as DemoChildArgs;
const pipeline = findDemoPipeline(args.club, args.pipeline);
if (!pipeline) throw new Error(`no demo pipeline ${args.club}/${args.pipeline}`);

/** Waits `ms` (scaled) — really in live mode, on the simulated clock in history mode. */
type Wait = (ms: number) => Promise<void>;

const SPORADIC_ERRORS = [
  (n: number) => `Request timed out after ${25_000 + n * 7} ms`,
  (n: number) => `HTTP 429 Too Many Requests (retry after ${n % 60} s)`,
  (n: number) => `Field "birthdate" is not a date: "31-02-20${n % 90}"`,
];

function randomInt(max: number): number {
  return Math.floor(Math.random() * max);
}

class SimulatedCrash extends Error {}

async function simulateRun(
  run: RunHandle,
  demo: DemoPipeline,
  runNumber: number,
  scenario: DemoScenario,
  wait: Wait,
  crash: () => never,
): Promise<void> {
  run.log.info({ runNumber, scenario: scenario === 'success' ? undefined : 'demo' }, `syncing ${demo.pipeline}`);
  const downloaded = await run.step('download', async (step) => {
    step.log.info(`downloading ${demo.records} records from ${demo.source}`);
    const page = Math.max(10, Math.ceil(demo.records / 12));
    const [minPageMs, maxPageMs] = demo.pageMs ?? [120, 240];
    for (let done = 0; done < demo.records;) {
      await wait(minPageMs + randomInt(maxPageMs - minPageMs));
      done = Math.min(demo.records, done + page);
      step.progress(done, demo.records);
      step.log.info({ done, total: demo.records }, `downloaded ${done} of ${demo.records} records`);
    }
    step.stats({ pages: Math.ceil(demo.records / page), source: demo.source });
    return demo.records;
  });

  const changes = await run.step('prepare', async (step) => {
    await wait(300 + randomInt(400));
    const created = randomInt(Math.max(2, Math.round(downloaded * 0.02)));
    const updated = randomInt(Math.max(3, Math.round(downloaded * 0.08)));
    step.count({ skipped: downloaded - created - updated });
    step.log.info({ created, updated }, 'compared with the target system');
    return { created, updated };
  });

  await run.step('submit', async (step) => {
    const total = changes.created + changes.updated;
    const failing = demo.recurring
      .filter((failure) => !failure.skipEvery || runNumber % failure.skipEvery !== 0)
      .map((failure) => ({ ...failure }));
    // A few records that fail once, in about one run of four: most runs are clean but for the recurring ones.
    for (let i = randomInt(4) === 0 ? 1 + randomInt(2) : 0; i > 0; i--) {
      const n = randomInt(100_000);
      const message = SPORADIC_ERRORS[randomInt(SPORADIC_ERRORS.length)]!(n);
      failing.push({ identifier: `${demo.club.toUpperCase().slice(0, 3)}-${n}`, message });
    }
    const batch = Math.max(5, Math.ceil(total / 10));
    let failed = 0;
    for (let done = 0; done < total;) {
      await wait(150 + randomInt(200));
      done = Math.min(total, done + batch);
      step.progress(done, total);
      if (done >= total / 2) {
        if (scenario === 'crash') crash();
        if (scenario === 'failure' || scenario === 'uncaught') {
          throw new Error(`${demo.system} API: 503 Service Unavailable after 3 retries`);
        }
      }
      while (failing.length > 0 && (failing.length > total - done || randomInt(3) === 0)) {
        const failure = failing.shift()!;
        step.error({ identifier: failure.identifier, system: demo.system, err: new Error(failure.message) });
        failed++;
      }
    }
    // A run with nothing to submit never reached the half-way point above: it still crashes or fails as planned.
    if (total === 0 && scenario === 'crash') crash();
    if (total === 0 && (scenario === 'failure' || scenario === 'uncaught')) {
      throw new Error(`${demo.system} API: 503 Service Unavailable after 3 retries`);
    }
    for (const failure of failing) {
      step.error({ identifier: failure.identifier, system: demo.system, err: new Error(failure.message) });
      failed++;
    }
    step.count({
      created: Math.max(0, changes.created - failed),
      updated: changes.updated,
      failed,
    });
  });
  await run.end({ outcome: 'success', stats: { records: downloaded, ...changes } });
}

async function live(runNumber: number, scenario: DemoScenario): Promise<void> {
  const run = startRun({ pipeline: pipeline!.pipeline, club: pipeline!.club, trigger: 'cron', runsDir: args.runsDir });
  const wait: Wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms * args.timeScale));
  try {
    await simulateRun(run, pipeline!, runNumber, scenario, wait, () => {
      // A writer that vanishes without a word: no run.end, the dashboard must call it abandoned.
      process.kill(process.pid, 'SIGKILL');
      throw new SimulatedCrash();
    });
  } catch (error) {
    // 'uncaught' lets the error escape: the run logger's hooks end the run, as in a real crash.
    if (scenario === 'uncaught') throw error;
    await run.end({ outcome: 'failure', exitCode: 1, reason: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
  }
}

/** Past runs, oldest first, spread evenly over the 24 h before `endAt`, on a simulated clock. */
async function history(count: number, endAt: number): Promise<void> {
  const spacing = (24 * 3600_000) / count;
  for (let i = 0; i < count; i++) {
    let now = endAt - (count - i) * spacing + randomInt(60_000);
    const clock = (): number => now;
    const scenario = demoScenario(pipeline!, i);
    const run = startRun({
      pipeline: pipeline!.pipeline,
      club: pipeline!.club,
      trigger: 'cron',
      runsDir: args.runsDir,
      runId: newRunId(new Date(now)),
      clock,
      // History is written after the fact: no process to watch.
      handleProcessEnd: false,
      progressIntervalMs: 0,
    });
    const wait: Wait = (ms) => {
      now += Math.round(ms * 6); // runs in the history took a little longer than the live ones
      return Promise.resolve();
    };
    let crashedAtBytes: number | null = null;
    try {
      await simulateRun(run, pipeline!, i, scenario, wait, () => {
        crashedAtBytes = statSync(run.file!).size;
        throw new SimulatedCrash();
      });
    } catch (error) {
      if (crashedAtBytes !== null) {
        // A SIGKILLed writer leaves the file as it was at that moment: cut off what unwinding the steps wrote.
        truncateSync(run.file!, crashedAtBytes);
      } else {
        await run.end({
          outcome: 'failure',
          exitCode: 1,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
}

if (args.mode.kind === 'live') await live(args.mode.runNumber, args.mode.scenario);
else await history(args.mode.count, args.mode.endAt);
