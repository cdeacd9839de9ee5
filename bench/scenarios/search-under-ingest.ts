// Concurrent searches against live ingest (issue 11 item 5): a real `runboard start` child holds a run of
// 400,000 lines; a writer process appends to another run at 1,000 lines/s; 20 clients run `q=` searches on the big
// run back to back. Prints the writer's ingest lag (append → line on a live WebSocket client, so commit and
// publish included) p50/p99 and /api/health p50/p99, first with no searches (quiet), then under the searches, with
// the searches' own outcome (200 / 422 narrow-your-search / 429 busy) and the load average (the machine is shared).
// Goals: ingest lag p99 < 100 ms, health p99 < 50 ms under the searches.
//
//   npx tsx bench/api.ts --scenario search [--search-lines 400000] [--searches 20] [--rate 1000] [--seconds 15]
//
// Measured 2026-11 on the shared 2-core machine (load average 11-14 from other work, 10 s windows), same day:
//   before (searches on the event loop): under searches lag p50 7.1 s, p99 8.3 s; health p99 8.0 s; 76 searches.
//   after (query workers + trigram index): quiet lag p99 109 ms, health p99 74 ms; under searches lag p50 14 ms,
//   p99 208 ms; health p50 3.9 ms, p99 99.5 ms; 2,061 searches answered (p50 12 ms), 1,273 refused with 429.
//
// Run as `--writer <file>` it is the writer process (its own event loop, so the 20 clients can't delay writes).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import type { LiveServerMessage } from '../../shared/api.js';
import { searchDbFile } from '../../shared/log-search-schema.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const self = fileURLToPath(import.meta.url);
const wallNow = (): number => performance.timeOrigin + performance.now();

export interface SearchScenarioOptions {
  searchLines: number;
  searches: number;
  rate: number;
  seconds: number;
}

const WORDS = ['member', 'invoice', 'laposta', 'sportlink', 'warehouse', 'backing', 'unchanged', 'payload'];
/** What the 20 clients search for, round robin: common, rare (1 in 1,000 lines), in `data` only, and absent. */
const QUERIES = ['backing off', 'rare-token', 'KNVB1234', 'sportlink', 'nomatch-at-all', 'invoice 77', 'zzz-absent'];

function bigRunLine(seq: number, time: number): string {
  const word = WORDS[seq % WORDS.length] as string;
  const rare = seq % 1000 === 500 ? ' rare-token' : '';
  const msg = `${word} processed item ${seq}${seq % 5 === 0 ? ', backing off' : ''}${rare}`;
  return `{"level":${seq % 50 === 0 ? 40 : 30},"time":${time + seq},"step":"s${seq % 3}","memberId":"KNVB${seq}","msg":"${msg}"}\n`;
}

function writeBigRun(file: string, lines: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  const time = Date.now() - lines;
  let chunk = '';
  for (let seq = 0; seq < lines; seq++) {
    chunk += bigRunLine(seq, time);
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}

/** The writer process: appends `rate` lines/s to one run file until stdin closes, each with its write time. */
export async function runWriter(file: string, rate: number): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `{"level":30,"time":${Date.now()},"event":"run.start","msg":"writer started"}\n`);
  let stopped = false;
  process.stdin.on('end', () => (stopped = true));
  process.stdin.resume();
  const startedAt = performance.now();
  let written = 0;
  while (!stopped) {
    const due = Math.floor(((performance.now() - startedAt) * rate) / 1000);
    let chunk = '';
    for (; written < due; written++) {
      chunk += `{"level":30,"time":${Date.now()},"sentAt":${wallNow()},"seq":${written},"msg":"writer line"}\n`;
    }
    if (chunk !== '') appendFileSync(file, chunk);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function get(agent: Agent, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
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

async function until(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True once the log search index (if this build has one) has reached the newest line. */
function searchIndexCaughtUp(dbFile: string): boolean {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    // This build keeps the index in a file of its own (the dashboard holds the claim); earlier ones kept it in
    // the dashboard's database; the earliest had none.
    const has = (schema: string, table: string) =>
      db.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE name = ?`).get(table) !== undefined;
    const searchFile = searchDbFile(dbFile);
    let schema = 'main';
    if (has('main', 'log_search_claim')) {
      if (searchFile === null || !existsSync(searchFile)) return false;
      db.prepare('ATTACH DATABASE ? AS search').run(searchFile);
      schema = 'search';
    }
    if (!has(schema, 'log_search_state')) return schema === 'main';
    const indexed = db.prepare(`SELECT indexed_upto FROM ${schema}.log_search_state`).pluck().get() as
      number | undefined;
    const newest = db.prepare('SELECT max(id) FROM run_logs').pluck().get() as number | null;
    return (indexed ?? 0) >= (newest ?? 0);
  } finally {
    db.close();
  }
}

interface Window {
  lag: number[];
  health: number[];
  searches: Map<number, number>;
  searchMs: number[];
}

const emptyWindow = (): Window => ({ lag: [], health: [], searches: new Map(), searchMs: [] });

function describe(name: string, w: Window, load: number[]): string {
  const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const lag = sort(w.lag);
  const health = sort(w.health);
  const searchMs = sort(w.searchMs);
  const f = (x: number) => `${x.toFixed(1)} ms`;
  const outcomes = [...w.searches.entries()].map(([status, n]) => `${status}: ${n}`).join(', ') || 'none';
  return [
    `${name}:`,
    `  ingest lag (append → live client) over ${lag.length} lines: p50 ${f(percentile(lag, 50))}, p99 ${f(percentile(lag, 99))}, max ${f(lag.at(-1) ?? Number.NaN)}  (goal p99 < 100 ms)`,
    `  /api/health over ${health.length} requests: p50 ${f(percentile(health, 50))}, p99 ${f(percentile(health, 99))}, max ${f(health.at(-1) ?? Number.NaN)}  (goal p99 < 50 ms)`,
    `  searches answered: ${outcomes}; latency p50 ${f(percentile(searchMs, 50))}, p99 ${f(percentile(searchMs, 99))}`,
    `  load average ${load.map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`,
  ].join('\n');
}

export async function runSearchScenario(options: SearchScenarioOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-bench-search-'));
  const runsDir = join(dir, 'runs');
  const dbFile = join(dir, 'db.sqlite');
  const children: ChildProcess[] = [];
  const agents: Agent[] = [];
  const sockets: WebSocket[] = [];
  console.log(
    `search under ingest: ${options.searches} concurrent q= searches on a ${options.searchLines}-line run, ` +
      `a writer at ${options.rate} lines/s on another run, ${options.seconds} s per window`,
  );
  try {
    const generatedAt = performance.now();
    writeBigRun(join(runsDir, 'bench', 'big', 'run-big.ndjson'), options.searchLines);
    console.log(`  wrote the big run in ${((performance.now() - generatedAt) / 1000).toFixed(1)} s`);

    const startedAt = performance.now();
    const server = spawn(
      process.execPath,
      ['--import', 'tsx', 'app/cli.ts', 'start', '--port', '0', '--runs-dir', runsDir, '--db', dbFile],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NOTIFY_SOCKET: '' } },
    );
    children.push(server);
    const url = await new Promise<string>((resolve, reject) => {
      server.once('exit', (code) => reject(new Error(`runboard start exited (${code})`)));
      jsonLines(server, (line) => {
        if (line.msg === 'ready: catch-up finished') resolve(String(line.url));
      });
    });
    const readyMs = performance.now() - startedAt;
    await until('the log search index', 600_000, () => searchIndexCaughtUp(dbFile));
    console.log(
      `  catch-up of the big run: ready after ${(readyMs / 1000).toFixed(1)} s, search index caught up after ` +
        `${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    const port = Number(new URL(url).port);
    const control = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(control);
    const runs = JSON.parse((await get(control, port, '/api/runs?club=bench&pipeline=big')).body) as {
      items: Array<{ id: number }>;
    };
    const bigRunId = runs.items[0]?.id;
    if (bigRunId === undefined) throw new Error('the big run was not ingested');

    const writer = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        self,
        '--writer',
        join(runsDir, 'bench', 'writer', 'run-w.ndjson'),
        '--rate',
        String(options.rate),
      ],
      {
        cwd: repoRoot,
        stdio: ['pipe', 'inherit', 'inherit'],
      },
    );
    children.push(writer);
    let writerRunId: number | undefined;
    await until('the writer run', 30_000, async () => {
      const found = JSON.parse((await get(control, port, '/api/runs?club=bench&pipeline=writer')).body) as {
        items: Array<{ id: number }>;
      };
      writerRunId = found.items[0]?.id;
      return writerRunId !== undefined;
    });

    let current = emptyWindow();
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/live`);
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('open', () => resolve());
    });
    socket.send(JSON.stringify({ type: 'subscribe', topics: [{ kind: 'run', runId: writerRunId }] }));
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as LiveServerMessage;
      if (message.type !== 'batch') return;
      const now = wallNow();
      for (const part of message.messages) {
        if (part.type !== 'logs') continue;
        for (const line of part.lines) {
          const sentAt = (line.data as { sentAt?: unknown } | null)?.sentAt;
          if (typeof sentAt === 'number') current.lag.push(now - sentAt);
        }
      }
    });

    let stopping = false;
    const healthAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(healthAgent);
    const prober = (async () => {
      while (!stopping) {
        const t = performance.now();
        await get(healthAgent, port, '/api/health');
        current.health.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));
    const windowMs = options.seconds * 1000;
    await settle();
    current = emptyWindow();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const quiet = current;
    const quietLoad = loadavg();

    current = emptyWindow();
    let searching = true;
    const clients = Array.from({ length: options.searches }, async (_, i) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      let n = i;
      while (searching) {
        const q = encodeURIComponent(QUERIES[n++ % QUERIES.length] as string);
        const t = performance.now();
        const answer = await get(agent, port, `/api/runs/${bigRunId}/logs?q=${q}`);
        const window = current;
        window.searches.set(answer.status, (window.searches.get(answer.status) ?? 0) + 1);
        window.searchMs.push(performance.now() - t);
        // A 429 says when to come back; a real client would wait that long rather than spin.
        if (answer.status === 429) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const loaded = current;
    const loadedLoad = loadavg();
    searching = false;
    await Promise.all(clients);
    stopping = true;
    await prober;

    console.log(describe('  quiet (writer only)', quiet, quietLoad));
    console.log(describe(`  under ${options.searches} concurrent searches`, loaded, loadedLoad));
    writer.stdin?.end();
    await new Promise((resolve) => writer.once('exit', resolve));
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  } finally {
    for (const socket of sockets) socket.terminate();
    for (const agent of agents) agent.destroy();
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

const writerIndex = process.argv.indexOf('--writer');
if (writerIndex >= 0) {
  const rateIndex = process.argv.indexOf('--rate');
  await runWriter(process.argv[writerIndex + 1] ?? '', rateIndex >= 0 ? Number(process.argv[rateIndex + 1]) : 1000);
}
