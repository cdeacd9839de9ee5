// Sample pipelines for the demo: a few pipelines in two clubs, each run as a child process through the real run
// logger (so a crash is a real crash), in a loop until aborted. Before the loop, a pipeline with no runs yet
// gets a day of history, so the dashboard's 24 h figures and recurring-failure views have something to show.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type DemoScenario = 'success' | 'failure' | 'uncaught' | 'crash';

export interface RecurringFailure {
  identifier: string;
  message: string;
  /** Fails in runs whose number is not a multiple of this (1 = every run). */
  skipEvery?: number;
}

export interface DemoPipeline {
  club: string;
  pipeline: string;
  /** Records downloaded per run. */
  records: number;
  source: string;
  system: string;
  recurring: RecurringFailure[];
  /** Every n-th run fails (alternately caught with run.end failure, and escaping as an unhandled rejection). */
  failEvery?: number;
  /** Every n-th run's process is SIGKILLed mid-run: a writer that vanished, for the `abandoned` status. */
  crashEvery?: number;
  /** Pause between runs, ms (before timeScale). */
  pauseMs: [number, number];
  /**
   * Wait per download page, ms (before timeScale; default 120–240). A slow pipeline's live run lasts a minute or
   * two, so its progress, live log and pause can be watched in the demo's first minute.
   */
  pageMs?: [number, number];
}

export const DEMO_PIPELINES: DemoPipeline[] = [
  {
    club: 'rondo',
    pipeline: 'people',
    records: 1069,
    source: 'sportlink',
    system: 'laposta',
    recurring: [
      { identifier: 'KNVB1004217', message: 'Email address "j.de.vries@@example.nl" is invalid' },
      { identifier: 'KNVB1011893', message: 'Member is on the suppression list of list 38' },
      { identifier: 'KNVB1020456', message: 'Request timed out after 30000 ms', skipEvery: 3 },
    ],
    failEvery: 7,
    pauseMs: [6_000, 12_000],
    // The first pipeline to start: its runs last about 1–1.5 minutes.
    pageMs: [5_000, 7_500],
  },
  {
    club: 'rondo',
    pipeline: 'teams',
    records: 64,
    source: 'sportlink',
    system: 'sportlink',
    recurring: [{ identifier: 'TEAM-JO11-3', message: 'Team has no coach assigned', skipEvery: 2 }],
    pauseMs: [8_000, 15_000],
  },
  {
    club: 'rondo',
    pipeline: 'invoices',
    records: 312,
    source: 'sportlink',
    system: 'exact-online',
    recurring: [{ identifier: 'INV-2026-0042', message: 'Debtor 10042 has no IBAN', skipEvery: 3 }],
    failEvery: 4,
    pauseMs: [10_000, 18_000],
  },
  {
    club: 'demo-fc',
    pipeline: 'people',
    records: 248,
    source: 'sportlink',
    system: 'laposta',
    recurring: [{ identifier: 'DFC-0007', message: 'Email address "keeper@" is invalid' }],
    crashEvery: 5,
    pauseMs: [7_000, 14_000],
  },
  {
    club: 'demo-fc',
    pipeline: 'newsletter',
    records: 180,
    source: 'laposta',
    system: 'mailchimp',
    recurring: [],
    failEvery: 9,
    crashEvery: 11,
    pauseMs: [9_000, 16_000],
    pageMs: [6_000, 10_000],
  },
];

export function findDemoPipeline(club: string, pipeline: string): DemoPipeline | undefined {
  return DEMO_PIPELINES.find((p) => p.club === club && p.pipeline === pipeline);
}

/** Deterministic by run number, so a pipeline's history has a steady rhythm of failures and crashes. */
export function demoScenario(pipeline: DemoPipeline, runNumber: number): DemoScenario {
  if (pipeline.crashEvery && runNumber % pipeline.crashEvery === pipeline.crashEvery - 1) return 'crash';
  if (pipeline.failEvery && runNumber % pipeline.failEvery === pipeline.failEvery - 1) {
    return Math.floor(runNumber / pipeline.failEvery) % 2 === 0 ? 'failure' : 'uncaught';
  }
  return 'success';
}

/** What the child process receives (as JSON in argv[2]). */
export interface DemoChildArgs {
  club: string;
  pipeline: string;
  runsDir: string;
  /** Live: one run now. History: `count` runs with simulated times ending `endAt`. */
  mode: { kind: 'live'; runNumber: number; scenario: DemoScenario } | { kind: 'history'; count: number; endAt: number };
  /** Multiplies every pause (tests run the demo fast). */
  timeScale: number;
}

export interface DemoOptions {
  runsDir: string;
  signal: AbortSignal;
  /** Past runs written for each pipeline that has none yet (default 16, spread over the last 24 h). */
  historyRuns?: number;
  /** Multiplies every pause and step duration (default 1; tests use a small value). */
  timeScale?: number;
  /** Which pipelines run (default all of DEMO_PIPELINES). */
  pipelines?: DemoPipeline[];
  /** Overrides the scenario of live runs (tests). */
  scenarioFor?: (pipeline: DemoPipeline, runNumber: number) => DemoScenario;
  /** Called when a child process ends (tests, logging). */
  onRunExit?: (pipeline: DemoPipeline, runNumber: number, code: number | null, signal: NodeJS.Signals | null) => void;
}

const here = dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');
const childScript = join(here, fromSource ? 'demo-pipeline-child.ts' : 'demo-pipeline-child.js');
// From source, the child needs tsx; resolved from the package root, where node_modules is.
const packageRoot = join(here, '..', '..');

function startChild(args: DemoChildArgs): ChildProcess {
  const argv = [...(fromSource ? ['--import', 'tsx'] : []), childScript, JSON.stringify(args)];
  const env = { ...process.env };
  delete env.RUNBOARD_EXEC_RUN; // the demo's runs are its own, even when the demo runs under `runboard exec`
  const child = spawn(process.execPath, argv, { cwd: packageRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
  // Planned failures print stack traces; keep them off the terminal and show stderr only for a surprise.
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 16_384) stderr += chunk;
  });
  child.once('exit', (code, signal) => {
    const planned =
      code === 0 ||
      signal === 'SIGTERM' ||
      (args.mode.kind === 'live' &&
        ((args.mode.scenario === 'crash' && signal === 'SIGKILL') ||
          ((args.mode.scenario === 'failure' || args.mode.scenario === 'uncaught') && code === 1)));
    if (!planned) {
      process.stderr.write(
        `demo pipeline ${args.club}/${args.pipeline} ended unexpectedly (${signal ?? `exit ${code}`}):\n${stderr}\n`,
      );
    }
  });
  return child;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function hasRuns(runsDir: string, pipeline: DemoPipeline): boolean {
  const dir = join(runsDir, pipeline.club, pipeline.pipeline);
  return existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.ndjson'));
}

/** Runs the demo pipelines until `signal` aborts; then stops the running ones (SIGTERM) and resolves. */
export async function runDemoPipelines(options: DemoOptions): Promise<void> {
  const timeScale = options.timeScale ?? 1;
  const pipelines = options.pipelines ?? DEMO_PIPELINES;
  const historyRuns = options.historyRuns ?? 16;
  const running = new Set<ChildProcess>();
  const stopAll = (): void => {
    for (const child of running) child.kill('SIGTERM');
  };
  options.signal.addEventListener('abort', stopAll, { once: true });

  const loop = async (pipeline: DemoPipeline, index: number): Promise<void> => {
    if (historyRuns > 0 && !hasRuns(options.runsDir, pipeline)) {
      const child = startChild({
        club: pipeline.club,
        pipeline: pipeline.pipeline,
        runsDir: options.runsDir,
        mode: { kind: 'history', count: historyRuns, endAt: Date.now() - 60_000 },
        timeScale,
      });
      running.add(child);
      await exited(child);
      running.delete(child);
    }
    // Stagger the first live runs so the pipelines don't move in lockstep.
    await pause(index * 1_500 * timeScale, options.signal);
    for (let runNumber = historyRuns; !options.signal.aborted; runNumber++) {
      const scenario = (options.scenarioFor ?? demoScenario)(pipeline, runNumber);
      const child = startChild({
        club: pipeline.club,
        pipeline: pipeline.pipeline,
        runsDir: options.runsDir,
        mode: { kind: 'live', runNumber, scenario },
        timeScale,
      });
      running.add(child);
      const { code, signal } = await exited(child);
      running.delete(child);
      options.onRunExit?.(pipeline, runNumber, code, signal);
      const [min, max] = pipeline.pauseMs;
      await pause((min + Math.random() * (max - min)) * timeScale, options.signal);
    }
  };

  try {
    await Promise.all(pipelines.map((pipeline, index) => loop(pipeline, index)));
  } finally {
    options.signal.removeEventListener('abort', stopAll);
  }
}
