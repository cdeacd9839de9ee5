// Ingest benchmark (prints figures; not a test). `npx tsx bench/ingest.ts [--lines N] [--files N] [--seconds N]`
//  1. Backlog: N lines (default 1M) across 100 files, end to end through the daemon (start() = catch-up) and the
//     log search index after it (as `runboard start` runs them: the index follows once catch-up is done), timed
//     until both have caught up; and in the same run the raw limit: the same lines read, JSON.parse'd and inserted in 1,000-row transactions by a
//     minimal script. Prints events/s, MB/s and the ratio.
//  2. Live: append-to-committed latency p50/p99 at 1,000 events/s over 20 files (a separate writer process).
//  Each phase runs in its own process so its peak RSS (VmHWM) is its own.
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { openDb } from '../shared/db.js';
import { createIngestDaemon } from '../ingest/daemon.js';
import { createLogSearchIndexer } from '../ingest/log-search-store.js';

const self = fileURLToPath(import.meta.url);
const { values: args } = parseArgs({
  options: {
    phase: { type: 'string' },
    dir: { type: 'string' },
    lines: { type: 'string', default: '1000000' },
    files: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    rate: { type: 'string', default: '1000' },
    'live-files': { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '2' },
  },
});

interface PhaseResult {
  lines: number;
  bytes: number;
  ms: number;
  /** CPU time (user + system) of the process over the measured section: less sensitive to a shared machine. */
  cpuMs: number;
  peakRssMb: number;
  /** Daemon phase: wall and CPU time until ingest alone had caught up (the index after it is in `ms`). */
  ingestMs?: number;
  ingestCpuMs?: number;
  latency?: { p50: number; p90: number; p99: number; max: number; samples: number };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function peakRssMb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** A pino-like line of ~250 bytes; every 100th a step event, every 500th an error. */
function benchLine(file: number, seq: number, time: number): string {
  const common = `"level":30,"time":${time},"pid":4242,"hostname":"bench-host","club":"rondo","pipeline":"p${file % 10}","run":"run-${file}"`;
  if (seq % 100 === 0) return `{${common},"event":"step.start","step":"s${seq / 100}","msg":"step started"}\n`;
  if (seq % 100 === 99) {
    return `{${common},"event":"step.end","step":"s${(seq - 99) / 100}","outcome":"success","counts":{"created":3,"updated":7},"msg":"step done"}\n`;
  }
  if (seq % 500 === 250) {
    return `{${common},"level":50,"event":"error","step":"s${Math.floor(seq / 100)}","identifier":"KNVB${seq}","system":"laposta","err":{"type":"Error","message":"HTTP 500 for member ${seq}"},"msg":"submit failed"}\n`;
  }
  return `{${common},"step":"s${Math.floor(seq / 100)}","msg":"processing member ${seq} of the sync batch","memberId":"KNVB${1_000_000 + seq}","attempt":1}\n`;
}

function generate(runsDir: string, files: number, lines: number): number {
  const perFile = Math.ceil(lines / files);
  const time = Date.now();
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const dir = join(runsDir, 'rondo', `p${f % 10}`);
    mkdirSync(dir, { recursive: true });
    const fd = openSync(join(dir, `run-${f}.ndjson`), 'w');
    let chunk = '';
    for (let seq = 0; seq < perFile && f * perFile + seq < lines; seq++) {
      chunk += benchLine(f, seq, time + seq);
      if (chunk.length > 1 << 20) {
        bytes += writeSync(fd, chunk);
        chunk = '';
      }
    }
    bytes += writeSync(fd, chunk);
    closeSync(fd);
  }
  return bytes;
}

function runFiles(runsDir: string, files: number): string[] {
  const paths: string[] = [];
  for (let f = 0; f < files; f++) paths.push(join(runsDir, 'rondo', `p${f % 10}`, `run-${f}.ndjson`));
  return paths;
}

/** The raw limit: read, split, JSON.parse, insert into run_logs in 1,000-row transactions. Nothing else. */
function phaseRaw(dir: string, files: number): PhaseResult {
  const db = openDb(join(dir, 'raw.sqlite'));
  const client = db.$client;
  const insertRun = client.prepare(`INSERT INTO runs (club_slug, pipeline, run_key) VALUES ('rondo', 'p', ?)`);
  const insert = client.prepare(
    `INSERT INTO run_logs (run_id, offset, time, level, event, step, msg, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  type Row = [number, number, number, number, string | null, string | null, string | null, string];
  const insertMany = client.transaction((rows: Row[]) => {
    for (const row of rows) insert.run(...row);
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  let lines = 0;
  let bytes = 0;
  const buffer = Buffer.allocUnsafe(256 * 1024);
  let rows: Row[] = [];
  for (const [f, path] of runFiles(join(dir, 'runs'), files).entries()) {
    const runId = Number(insertRun.run(`run-${f}`).lastInsertRowid);
    const fd = openSync(path, 'r');
    let position = 0;
    let carry = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n === 0) break;
      position += n;
      bytes += n;
      const text = carry + buffer.toString('utf8', 0, n);
      const parts = text.split('\n');
      carry = parts.pop()!;
      let offset = position - n - Buffer.byteLength(carry); // approximate offsets are fine for the limit
      for (const line of parts) {
        const value = JSON.parse(line) as { time: number; level: number; event?: string; step?: string; msg?: string };
        rows.push([
          runId,
          offset++,
          value.time,
          value.level,
          value.event ?? null,
          value.step ?? null,
          value.msg ?? null,
          line,
        ]);
        lines++;
        if (rows.length === 1000) {
          insertMany(rows);
          rows = [];
        }
      }
    }
    closeSync(fd);
  }
  if (rows.length > 0) insertMany(rows);
  const ms = performance.now() - started;
  const cpuMs = cpuMsSince(cpu);
  client.close();
  return { lines, bytes, ms, cpuMs, peakRssMb: peakRssMb() };
}

/** The daemon: start() resolves when the whole backlog is committed. */
async function phaseDaemon(dir: string): Promise<PhaseResult> {
  const db = openDb(join(dir, 'daemon.sqlite'));
  const daemon = createIngestDaemon({ runsDir: join(dir, 'runs'), db, logger: pino({ level: 'warn' }) });
  let lines = 0;
  let bytes = 0;
  daemon.onChange((change) => {
    lines += change.stats.lines;
    bytes += change.stats.bytes + change.stats.lines; // + newlines
  });
  const indexer = createLogSearchIndexer(db);
  daemon.onChange(() => indexer.poke());
  const started = performance.now();
  const cpu = process.cpuUsage();
  await daemon.start();
  const ingestMs = performance.now() - started;
  const ingestCpuMs = cpuMsSince(cpu);
  indexer.start();
  await indexer.caughtUp();
  const ms = performance.now() - started;
  const cpuMs = cpuMsSince(cpu);
  indexer.stop();
  await daemon.stop();
  db.$client.close();
  return { lines, bytes, ms, ingestMs, ingestCpuMs, cpuMs, peakRssMb: peakRssMb() };
}

/** Live latency: a writer process appends at `rate` lines/s over `liveFiles` files; the daemon measures write→commit. */
async function phaseLatency(dir: string, seconds: number, rate: number, liveFiles: number): Promise<PhaseResult> {
  const runsDir = join(dir, 'live-runs');
  mkdirSync(runsDir, { recursive: true });
  const db = openDb(join(dir, 'live.sqlite'));
  const daemon = createIngestDaemon({ runsDir, db, logger: pino({ level: 'warn' }) });
  const latencies: number[] = [];
  let lines = 0;
  let bytes = 0;
  daemon.onChange((change) => {
    const now = performance.timeOrigin + performance.now();
    for (const row of change.logs) {
      const wt = row.data === null ? null : (JSON.parse(row.data) as { wt?: number }).wt;
      if (typeof wt === 'number') latencies.push(now - wt);
    }
    lines += change.stats.lines;
    bytes += change.stats.bytes;
  });
  await daemon.start();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const writer = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      self,
      '--phase',
      'writer',
      '--dir',
      runsDir,
      '--seconds',
      String(seconds),
      '--rate',
      String(rate),
      '--live-files',
      String(liveFiles),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  await new Promise((resolve) => writer.once('exit', resolve));
  const expected = seconds * rate;
  const deadline = Date.now() + 10_000;
  while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const ms = performance.now() - started;
  const cpuMs = cpuMsSince(cpu);
  await daemon.stop();
  db.$client.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 100) / 100;
  return {
    lines,
    bytes,
    ms,
    cpuMs,
    peakRssMb: peakRssMb(),
    latency: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), samples: latencies.length },
  };
}

/** The live writer: one write(2) per line (as pino's sync destination does), paced to `rate` lines/s. */
async function phaseWriter(runsDir: string, seconds: number, rate: number, liveFiles: number): Promise<void> {
  const fds: number[] = [];
  for (let f = 0; f < liveFiles; f++) {
    mkdirSync(join(runsDir, 'live'), { recursive: true });
    fds.push(openSync(join(runsDir, 'live', `run-${f}.ndjson`), 'a'));
  }
  const total = seconds * rate;
  const started = performance.now();
  let written = 0;
  while (written < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    while (written < due) {
      const f = written % liveFiles;
      const wt = performance.timeOrigin + performance.now();
      writeSync(
        fds[f]!,
        `{"level":30,"time":${Math.floor(wt)},"pid":4242,"hostname":"bench-host","msg":"live line ${written}","wt":${wt}}\n`,
      );
      written++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  for (const fd of fds) closeSync(fd);
}

function runPhase(phase: string, dir: string): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        self,
        '--phase',
        phase,
        '--dir',
        dir,
        '--files',
        args.files,
        '--seconds',
        args.seconds,
        '--rate',
        args.rate,
        '--live-files',
        args['live-files'],
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`phase ${phase} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as PhaseResult);
    });
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const files = Number(args.files);
  if (args.phase) {
    const dir = args.dir!;
    let result: PhaseResult | undefined;
    if (args.phase === 'raw') result = phaseRaw(dir, files);
    else if (args.phase === 'daemon') result = await phaseDaemon(dir);
    else if (args.phase === 'latency')
      result = await phaseLatency(dir, Number(args.seconds), Number(args.rate), Number(args['live-files']));
    else if (args.phase === 'writer')
      await phaseWriter(dir, Number(args.seconds), Number(args.rate), Number(args['live-files']));
    if (result) process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }

  const dir = mkdtempSync(join(tmpdir(), 'runboard-bench-ingest-'));
  try {
    const lines = Number(args.lines);
    const genStarted = performance.now();
    const bytes = generate(join(dir, 'runs'), files, lines);
    console.log(
      `backlog: ${fmt(lines)} lines, ${files} files, ${(bytes / 1e6).toFixed(1)} MB (avg ${Math.round(bytes / lines)} B/line), generated in ${fmt(performance.now() - genStarted)} ms`,
    );
    // Alternate the two, best of `repeat` each: on a shared machine the slowest runs measure the neighbours.
    const best = (a: PhaseResult | null, b: PhaseResult): PhaseResult =>
      a === null
        ? b
        : {
            ...b,
            ms: Math.min(a.ms, b.ms),
            ...(b.ingestMs === undefined ? {} : { ingestMs: Math.min(a.ingestMs ?? b.ingestMs, b.ingestMs) }),
            ...(b.ingestCpuMs === undefined
              ? {}
              : { ingestCpuMs: Math.min(a.ingestCpuMs ?? b.ingestCpuMs, b.ingestCpuMs) }),
            cpuMs: Math.min(a.cpuMs, b.cpuMs),
            peakRssMb: Math.max(a.peakRssMb, b.peakRssMb),
          };
    let raw: PhaseResult | null = null;
    let daemon: PhaseResult | null = null;
    const walls: string[] = [];
    for (let round = 0; round < Number(args.repeat); round++) {
      for (const name of ['raw.sqlite', 'daemon.sqlite']) rmSync(join(dir, name), { force: true });
      for (const name of ['daemon.sqlite-wal', 'daemon.sqlite-shm', 'raw.sqlite-wal', 'raw.sqlite-shm']) {
        rmSync(join(dir, name), { force: true });
      }
      const r = await runPhase('raw', dir);
      const d = await runPhase('daemon', dir);
      walls.push(`${fmt(r.ms)}/${fmt(d.ms)}`);
      raw = best(raw, r);
      daemon = best(daemon, d);
    }
    if (raw === null || daemon === null) throw new Error('--repeat must be at least 1');
    console.log(`rounds (raw/daemon ms wall): ${walls.join(', ')}; best of each below`);
    const dbSize = (name: string) => statSync(join(dir, name)).size / 1e6;
    const show = (name: string, r: PhaseResult) =>
      console.log(
        `${name.padEnd(28)} ${fmt((r.lines / r.ms) * 1000).padStart(9)} lines/s  ${(((r.bytes / r.ms) * 1000) / 1e6).toFixed(1).padStart(6)} MB/s  ${fmt(r.ms).padStart(7)} ms wall  ${fmt(r.cpuMs).padStart(7)} ms CPU  peak RSS ${r.peakRssMb} MB`,
      );
    show('raw limit (parse + insert)', raw);
    const ingestMs = daemon.ingestMs ?? daemon.ms;
    const ingestCpuMs = daemon.ingestCpuMs ?? daemon.cpuMs;
    show('daemon ingest only', { ...daemon, ms: ingestMs, cpuMs: ingestCpuMs });
    show('daemon + log search index', daemon);
    console.log(
      `ratio daemon / raw: ingest only ${(raw.ms / ingestMs).toFixed(2)} by wall time, ` +
        `${(raw.cpuMs / ingestCpuMs).toFixed(2)} by CPU time; with the search index ` +
        `${(raw.ms / daemon.ms).toFixed(2)} by wall time, ${(raw.cpuMs / daemon.cpuMs).toFixed(2)} by CPU time (goal >= 0.8); db sizes: raw ${dbSize('raw.sqlite').toFixed(0)} MB, daemon ${dbSize('daemon.sqlite').toFixed(0)} MB (+ WAL)`,
    );
    if (daemon.lines !== lines) console.log(`WARNING: daemon committed ${daemon.lines} lines, expected ${lines}`);

    const live = await runPhase('latency', dir);
    const l = live.latency!;
    console.log(
      `live: ${args.rate} events/s over ${args['live-files']} files for ${args.seconds} s: append→committed p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms, max ${l.max} ms (${fmt(l.samples)} samples); daemon CPU ${((live.cpuMs / live.ms) * 100).toFixed(1)}% of a core; peak RSS ${live.peakRssMb} MB`,
    );
  } finally {
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
