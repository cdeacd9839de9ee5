// Live latency: from a pipeline's append (a real run logger in its own process) to a WebSocket client holding the
// line, through a real `runboard start` child (ingest → SQLite commit → hub → socket). Prints p50/p90/p99/max and
// the daemon's peak RSS. Targets (issue 4): p50 <= 15 ms, p99 <= 50 ms at 1,000 events/s over 20 runs with 50 clients.
// Alongside, on the same writes and the same number of clients, bench/live-floor.ts measures the least possible
// pipeline (fs.watch, read, JSON.parse, send; no database): issue 11's goal is runboard's p99 within 20 ms of it.
//
//   npx tsx bench/live.ts [--rate 1000] [--runs 20] [--clients 50] [--seconds 20] [--warmup 3]
//   BENCH_CPU_PROF=<dir> also writes a V8 CPU profile of the daemon.
//
// The same file is the writer process when started with --writer (so writes never share an event loop with the
// 50 clients being timed). Each line carries its write time (performance.timeOrigin + now: sub-ms wall clock,
// comparable across processes on one machine).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import type { LiveServerMessage, LiveTopic } from '../shared/api.js';
import { startRun, type RunHandle } from '../shared/run-logger.js';

const { values: args } = parseArgs({
  options: {
    writer: { type: 'boolean', default: false },
    'runs-dir': { type: 'string' },
    rate: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '20' },
    clients: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
  },
});
const rate = Number(args.rate);
const runCount = Number(args.runs);
const clientCount = Number(args.clients);
const measureSeconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

const wallNow = (): number => performance.timeOrigin + performance.now();

// ---- writer process ----------------------------------------------------------------------------------------------

async function writer(runsDir: string): Promise<void> {
  const runs: RunHandle[] = Array.from({ length: runCount }, (_, i) =>
    startRun({ pipeline: `bench-${i}`, club: 'bench', runsDir, handleProcessEnd: false }),
  );
  process.stdout.write(JSON.stringify({ runKeys: runs.map((r) => r.runId), files: runs.map((r) => r.file) }) + '\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
  process.stdin.destroy();

  // Paced by elapsed time, so the rate holds whatever the timer granularity: each tick writes what is due.
  const totalMs = (warmupSeconds + measureSeconds) * 1000;
  const startedAt = performance.now();
  let written = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - startedAt;
      const due = Math.min(Math.floor((elapsed * rate) / 1000), Math.floor((totalMs * rate) / 1000));
      while (written < due) {
        const run = runs[written % runCount] as RunHandle;
        run.log.info({ sentAt: wallNow(), seq: written }, 'bench line');
        written++;
      }
      if (elapsed >= totalMs) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  for (const run of runs) await run.end();
  process.stdout.write(JSON.stringify({ written }) + '\n');
}

// ---- bench process -----------------------------------------------------------------------------------------------

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function peakRssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match?.[1] ? Number(match[1]) / 1024 : Number.NaN;
}

/** CPU time (user + system) of a process so far, in ms. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of /proc/pid/stat (11 and 12 after the command name), in clock ticks.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function jsonLines(child: ChildProcess, onLine: (value: Record<string, unknown>) => void): void {
  if (!child.stdout) throw new Error('no stdout');
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      onLine(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not JSON
    }
  });
}

/** `topics` null: the floor's socket, which serves one file chosen by the URL and takes no subscribe message. */
function openClient(
  url: string,
  topics: LiveTopic[] | null,
  onMessage: (m: LiveServerMessage) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('message', (data: Buffer) => onMessage(JSON.parse(data.toString('utf8')) as LiveServerMessage));
    socket.once('error', reject);
    socket.once('open', () => {
      if (topics !== null) socket.send(JSON.stringify({ type: 'subscribe', topics }));
      resolve(socket);
    });
  });
}

/** Append → client latencies of the lines sent after the warm-up, and how many lines arrived or were skipped. */
class Deliveries {
  readonly latencies: number[] = [];
  received = 0;
  skipped = 0;
  constructor(private readonly measureFrom: { wall: number }) {}

  readonly onMessage = (message: LiveServerMessage): void => {
    if (message.type !== 'batch') return;
    const now = wallNow();
    for (const part of message.messages) {
      if (part.type === 'skipped') this.skipped += part.count;
      if (part.type !== 'logs') continue;
      for (const line of part.lines) {
        const data = line.data as { sentAt?: number } | null;
        if (typeof data?.sentAt !== 'number') continue;
        this.received++;
        if (data.sentAt >= this.measureFrom.wall) this.latencies.push(now - data.sentAt);
      }
    }
  };

  summary(): string {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    return (
      `over ${sorted.length} deliveries: p50 ${fmt(percentile(sorted, 50))}, p90 ${fmt(percentile(sorted, 90))}, ` +
      `p99 ${fmt(percentile(sorted, 99))}, max ${fmt(sorted.at(-1) ?? Number.NaN)}`
    );
  }

  p99(): number {
    return percentile(
      [...this.latencies].sort((a, b) => a - b),
      99,
    );
  }
}

async function bench(): Promise<void> {
  // The bench stops by itself whatever hangs: children are killed and the process exits.
  const children: ChildProcess[] = [];
  const watchdog = setTimeout(
    () => {
      console.error('bench/live: watchdog expired, stopping');
      for (const child of children) child.kill('SIGKILL');
      process.exit(1);
    },
    (warmupSeconds + measureSeconds + 120) * 1000,
  );
  watchdog.unref();
  const dir = mkdtempSync(join(tmpdir(), 'runboard-bench-live-'));
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the daemon there (open it in Chrome DevTools).
  const profileArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const runsDir = join(dir, 'runs');
  // The daemon's checkpoint passes, when it logs them (RUNBOARD_LOG_LEVEL=debug).
  const checkpoints: Array<Record<string, unknown>> = [];
  const server = spawn(
    process.execPath,
    [
      ...profileArgs,
      '--import',
      'tsx',
      'app/cli.ts',
      'start',
      '--port',
      '0',
      '--runs-dir',
      runsDir,
      '--db',
      join(dir, 'db.sqlite'),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NOTIFY_SOCKET: '' } },
  );
  children.push(server);
  const url = await new Promise<string>((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`runboard start exited (${code})`)));
    jsonLines(server, (line) => {
      if (line.msg === 'ready: catch-up finished') resolve(String(line.url));
      if (line.msg === 'runboard ingest: WAL checkpointed') checkpoints.push(line);
    });
  });
  const wsUrl = `${url.replace(/^http/, 'ws')}/api/live`;

  const writerProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--writer',
      '--runs-dir',
      runsDir,
      '--rate',
      String(rate),
      '--runs',
      String(runCount),
      '--seconds',
      String(measureSeconds),
      '--warmup',
      String(warmupSeconds),
    ],
    {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  children.push(writerProcess);
  let written = 0;
  const { runKeys, files } = await new Promise<{ runKeys: string[]; files: string[] }>((resolve) => {
    jsonLines(writerProcess, (line) => {
      if (Array.isArray(line.runKeys)) resolve({ runKeys: line.runKeys as string[], files: line.files as string[] });
      if (typeof line.written === 'number') written = line.written;
    });
  });

  const floorProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'bench', 'live-floor.ts'),
      '--max-seconds',
      String(warmupSeconds + measureSeconds + 60),
    ],
    { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  children.push(floorProcess);
  const floorPort = await new Promise<number>((resolve, reject) => {
    floorProcess.once('exit', (code) => reject(new Error(`floor exited (${code})`)));
    jsonLines(floorProcess, (line) => {
      if (typeof line.port === 'number') resolve(line.port);
    });
    floorProcess.stdin?.write(JSON.stringify({ files }) + '\n');
  });
  const writerExited = new Promise<void>((resolve) => writerProcess.once('exit', () => resolve()));

  // Run ids the way the UI learns them: the overview topic for what changes from now on, then REST for what is
  // already there (subscribe first, fetch second: nothing falls in between).
  const idByKey = new Map<string, number>();
  const control = await openClient(wsUrl, [{ kind: 'overview', club: 'bench' }], (message) => {
    if (message.type !== 'batch') return;
    for (const part of message.messages) {
      if (part.type === 'runs') for (const run of part.runs) idByKey.set(run.runKey, run.id);
    }
  });
  const overviewDeadline = Date.now() + 30_000;
  while (runKeys.some((key) => !idByKey.has(key))) {
    if (Date.now() > overviewDeadline) throw new Error('runs did not appear');
    const known = (await (await fetch(`${url}/api/runs?club=bench&limit=100`)).json()) as {
      items: Array<{ id: number; runKey: string }>;
    };
    for (const run of known.items) idByKey.set(run.runKey, run.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const runIds = runKeys.map((key) => idByKey.get(key) as number);

  const measureFrom = { wall: Number.POSITIVE_INFINITY };
  const runboard = new Deliveries(measureFrom);
  const floor = new Deliveries(measureFrom);
  const clients: WebSocket[] = [];
  for (let i = 0; i < clientCount; i++) {
    const topics: LiveTopic[] = [{ kind: 'run', runId: runIds[i % runCount] as number }];
    if (i % 5 === 0) topics.push({ kind: 'overview' });
    clients.push(await openClient(wsUrl, topics, runboard.onMessage));
    // The floor's clients: the same count, each on the same run as its runboard twin.
    clients.push(await openClient(`ws://127.0.0.1:${floorPort}/?file=${i % runCount}`, null, floor.onMessage));
  }

  const rssBefore = peakRssMiB(server.pid);
  const cpuBefore = cpuMs(server.pid);
  // The clients' own event loop: a stalled bench process inflates the measured latency, so say how much it stalled.
  const clientLoopDelay = monitorEventLoopDelay({ resolution: 5 });
  clientLoopDelay.enable();
  const loadStartedAt = performance.now();
  const loadAtStart = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  writerProcess.stdin?.write('go\n');
  measureFrom.wall = wallNow() + warmupSeconds * 1000;
  await writerExited;
  // Let the last lines arrive.
  const expected = Math.round((written * clientCount) / runCount);
  const settleDeadline = Date.now() + 10_000;
  const arrived = (d: Deliveries) => d.received + d.skipped >= expected;
  while (!(arrived(runboard) && arrived(floor)) && Date.now() < settleDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  clientLoopDelay.disable();
  const serverPeak = peakRssMiB(server.pid);
  const serverCpuShare = (cpuMs(server.pid) - cpuBefore) / (performance.now() - loadStartedAt);
  for (const client of [control, ...clients]) client.terminate();
  floorProcess.stdin?.end();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });

  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(
    [
      `live: ${rate} events/s over ${runCount} runs for ${measureSeconds} s (+${warmupSeconds} s warm-up), ${clientCount} clients`,
      `  lines written ${written}; deliveries expected ${expected} each; runboard received ${runboard.received}, ` +
        `skipped ${runboard.skipped}; floor received ${floor.received}`,
      `  runboard append → client ${runboard.summary()}  (targets p50 <= 15 ms, p99 <= 50 ms)`,
      `  floor    append → client ${floor.summary()}  (fs.watch + read + JSON.parse + send, no database)`,
      `  runboard p99 - floor p99 = ${fmt(runboard.p99() - floor.p99())}  (goal <= 20 ms)`,
      checkpoints.length === 0
        ? '  checkpoint passes: not logged (RUNBOARD_LOG_LEVEL=debug shows them)'
        : `  checkpoint passes ${checkpoints.length}: caught up ${checkpoints.filter((c) => c.caughtUp).length}, ` +
          `TRUNCATE ${checkpoints.filter((c) => c.mode === 'TRUNCATE').length}, most WAL frames ` +
          `${Math.max(...checkpoints.map((c) => Number(c.walFrames)))}, longest pass ` +
          `${fmt(Math.max(...checkpoints.map((c) => Number(c.ms))))}`,
      `  the clients' own event-loop delay: p99 ${fmt(clientLoopDelay.percentile(99) / 1e6)}, max ${fmt(
        clientLoopDelay.max / 1e6,
      )} (part of the figures above); load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} CPUs (at the end; ${loadAtStart} at the start)`,
      `  runboard start CPU ${(serverCpuShare * 100).toFixed(0)}% of a core under the load; peak RSS ${serverPeak.toFixed(0)} MiB (${rssBefore.toFixed(0)} MiB before the load); bench process RSS ${(
        process.memoryUsage().rss /
        1024 /
        1024
      ).toFixed(0)} MiB`,
    ].join('\n'),
  );
}

if (args.writer) {
  await writer(args['runs-dir'] ?? '');
} else {
  await bench();
}
