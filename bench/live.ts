// Live latency: from a pipeline's append (a real run logger in its own process) to a WebSocket client holding the
// line, through a real `runboard start` child (ingest → SQLite commit → hub → socket). Prints p50/p90/p99/max and
// the daemon's peak RSS. Targets (issue 4): p50 <= 15 ms, p99 <= 50 ms at 1,000 events/s over 20 runs with 50 clients.
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
  process.stdout.write(JSON.stringify({ runKeys: runs.map((r) => r.runId) }) + '\n');
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

function openClient(url: string, topics: LiveTopic[], onMessage: (m: LiveServerMessage) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('message', (data: Buffer) => onMessage(JSON.parse(data.toString('utf8')) as LiveServerMessage));
    socket.once('error', reject);
    socket.once('open', () => {
      socket.send(JSON.stringify({ type: 'subscribe', topics }));
      resolve(socket);
    });
  });
}

async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-bench-live-'));
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the daemon there (open it in Chrome DevTools).
  const profileArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const runsDir = join(dir, 'runs');
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
  const url = await new Promise<string>((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`runboard start exited (${code})`)));
    jsonLines(server, (line) => {
      if (line.msg === 'ready: catch-up finished') resolve(String(line.url));
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
  let written = 0;
  const runKeys = await new Promise<string[]>((resolve) => {
    jsonLines(writerProcess, (line) => {
      if (Array.isArray(line.runKeys)) resolve(line.runKeys as string[]);
      if (typeof line.written === 'number') written = line.written;
    });
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
  const latencies: number[] = [];
  let receivedLines = 0;
  let skippedLines = 0;
  const clients: WebSocket[] = [];
  for (let i = 0; i < clientCount; i++) {
    const topics: LiveTopic[] = [{ kind: 'run', runId: runIds[i % runCount] as number }];
    if (i % 5 === 0) topics.push({ kind: 'overview' });
    clients.push(
      await openClient(wsUrl, topics, (message) => {
        if (message.type !== 'batch') return;
        const now = wallNow();
        for (const part of message.messages) {
          if (part.type === 'skipped') skippedLines += part.count;
          if (part.type !== 'logs') continue;
          for (const line of part.lines) {
            const data = line.data as { sentAt?: number } | null;
            if (typeof data?.sentAt !== 'number') continue;
            receivedLines++;
            if (data.sentAt >= measureFrom.wall) latencies.push(now - data.sentAt);
          }
        }
      }),
    );
  }

  const rssBefore = peakRssMiB(server.pid);
  const cpuBefore = cpuMs(server.pid);
  // The clients' own event loop: a stalled bench process inflates the measured latency, so say how much it stalled.
  const clientLoopDelay = monitorEventLoopDelay({ resolution: 5 });
  clientLoopDelay.enable();
  const loadStartedAt = performance.now();
  writerProcess.stdin?.write('go\n');
  measureFrom.wall = wallNow() + warmupSeconds * 1000;
  await writerExited;
  // Let the last lines arrive.
  const expected = Math.round((written * clientCount) / runCount);
  const settleDeadline = Date.now() + 10_000;
  while (receivedLines + skippedLines < expected && Date.now() < settleDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  clientLoopDelay.disable();
  const serverPeak = peakRssMiB(server.pid);
  const serverCpuShare = (cpuMs(server.pid) - cpuBefore) / (performance.now() - loadStartedAt);
  for (const client of [control, ...clients]) client.terminate();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });

  latencies.sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(
    [
      `live: ${rate} events/s over ${runCount} runs for ${measureSeconds} s (+${warmupSeconds} s warm-up), ${clientCount} clients`,
      `  lines written ${written}; deliveries expected ${expected}, received ${receivedLines}, skipped ${skippedLines}`,
      `  append → client latency over ${latencies.length} deliveries: p50 ${fmt(percentile(latencies, 50))}, p90 ${fmt(
        percentile(latencies, 90),
      )}, p99 ${fmt(percentile(latencies, 99))}, max ${fmt(latencies.at(-1) ?? Number.NaN)}` +
        `  (targets p50 <= 15 ms, p99 <= 50 ms)`,
      `  the clients' own event-loop delay: p99 ${fmt(clientLoopDelay.percentile(99) / 1e6)}, max ${fmt(
        clientLoopDelay.max / 1e6,
      )} (part of the figures above); load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} CPUs`,
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
