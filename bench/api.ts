// REST API latency against a big database: 100,000 runs and 10,000,000 log lines (seeded with raw prepared
// inserts in big transactions), served by buildApp in a child process and queried over real HTTP keep-alive
// connections (no inject). Prints p50/p95/p99 per route, the seeding time and the server's peak RSS.
//
//   npx tsx bench/api.ts [--runs 100000] [--lines 10000000] [--requests 300] [--seed 42] [--keep]
//                        [--scenario routes|search|all] [--search-lines 400000] [--searches 20] [--rate 1000]
//                        [--seconds 15]
//
// `--scenario search` (issue 11): concurrent `q=` searches while another run is ingested live; see
// bench/scenarios/search-under-ingest.ts. The default runs both.
//
// Target (issue 4): p95 <= 50 ms for /api/runs (first and deep page) and /api/runs/:id/logs (newest, middle,
// level-filtered). The database lives in a temp dir that is deleted afterwards unless --keep.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDb, type Db } from '../shared/db.js';
import { encodeCursor } from '../server/queries/cursor.js';
import { seededRandom } from '../test/support/seeded-random.js';
import { runSearchScenario } from './scenarios/search-under-ingest.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    lines: { type: 'string', default: '10000000' },
    requests: { type: 'string', default: '300' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    keep: { type: 'boolean', default: false },
    serve: { type: 'string' },
    scenario: { type: 'string', default: 'all' },
    'search-lines': { type: 'string', default: '400000' },
    searches: { type: 'string', default: '20' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '15' },
  },
});

// ---------------------------------------------------------------- server child

async function serve(dbFile: string): Promise<void> {
  const { buildApp } = await import('../server/app.js');
  const { createMetrics } = await import('../server/metrics.js');
  const db = openDb(dbFile);
  const app = await buildApp({
    db,
    runsDir: join(dbFile, '..', 'runs'),
    token: null,
    webDir: null,
    isReady: () => true,
    metrics: createMetrics(),
    logger: false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const send = (message: unknown) => process.send?.(message);
  process.on('message', (message) => {
    if (message === 'rss') send({ maxRssKiB: process.resourceUsage().maxRSS, rssBytes: process.memoryUsage().rss });
    if (message === 'stop') void app.close().then(() => process.exit(0));
  });
  send({ port: (app.server.address() as AddressInfo).port, startRssBytes: process.memoryUsage().rss });
}

// ---------------------------------------------------------------- seeding

const CLUBS = 10;
const PIPELINES_PER_CLUB = 20;
const BIG_RUNS = 10;
const BIG_RUN_LINES = 100_000;
const STEPS = ['download', 'transform', 'submit'];
const MESSAGES = [
  'fetched page of members from sportlink',
  'upserted member record in laposta',
  'skipped unchanged record',
  'rate limited by remote, backing off',
  'wrote batch to the warehouse',
];

interface Seeded {
  runs: number;
  lines: number;
  errors: number;
  seconds: number;
  bigRunIds: number[];
}

function seed(db: Db, runCount: number, lineCount: number, random: () => number): Seeded {
  const client = db.$client;
  const started = performance.now();
  // Seeding only: nothing to protect from a crash here, and these make bulk loading several times faster.
  client.pragma('synchronous = OFF');
  client.pragma('cache_size = -262144');
  const insertRun = client.prepare(
    `INSERT INTO runs (id, run_key, club_slug, pipeline, trigger, status, started_at, finished_at, duration_ms,
       created, updated, skipped, failed, error_count, log_count, host, pid, exit_code, source_file, last_event_at)
     VALUES (?, ?, ?, ?, 'cron', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench-host', ?, ?, ?, ?)`,
  );
  const insertStep = client.prepare(
    `INSERT INTO run_steps (run_id, name, club_slug, seq, status, started_at, finished_at, duration_ms, created,
       updated, skipped, failed, progress_done, progress_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertLog = client.prepare(
    'INSERT INTO run_logs (run_id, "offset", time, level, event, step, msg, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertError = client.prepare(
    `INSERT INTO run_errors (run_id, "offset", club_slug, pipeline, step, identifier, system, message, stack,
       fingerprint, time) VALUES (?, ?, ?, ?, 'submit', ?, ?, ?, NULL, ?, ?)`,
  );

  const pipelines = CLUBS * PIPELINES_PER_CLUB;
  const bigRunIds = Array.from({ length: Math.min(BIG_RUNS, runCount) }, (_, i) =>
    Math.max(1, Math.floor(((i + 0.5) * runCount) / BIG_RUNS)),
  );
  const bigSet = new Set(bigRunIds);
  const bigLines = Math.min(lineCount, bigRunIds.length * BIG_RUN_LINES);
  const perBig = Math.floor(bigLines / Math.max(1, bigRunIds.length));
  const restLines = lineCount - perBig * bigRunIds.length;
  const normalRuns = runCount - bigRunIds.length;
  const baseLines = Math.floor(restLines / Math.max(1, normalRuns));
  let extraLines = restLines - baseLines * normalRuns;
  const t0 = Date.now() - runCount * 60_000;
  let lines = 0;
  let errors = 0;

  const seedRuns = client.transaction((from: number, to: number) => {
    for (let id = from; id < to; id++) {
      const p = (id - 1) % pipelines;
      const club = `club-${Math.floor(p / PIPELINES_PER_CLUB)}`;
      const pipeline = `pipeline-${p % PIPELINES_PER_CLUB}`;
      const startedAt = t0 + id * 60_000;
      const roll = random();
      const isLast = id > runCount - pipelines;
      const status = isLast && p < 5 ? 'running' : roll < 0.9 ? 'success' : roll < 0.97 ? 'failure' : 'abandoned';
      const durationMs = status === 'running' ? null : Math.round(30_000 + random() * 570_000);
      const lineTotal = bigSet.has(id) ? perBig : baseLines + (extraLines-- > 0 ? 1 : 0);
      const runErrors = status === 'failure' ? 3 : 0;
      insertRun.run(
        id,
        `run-${id}`,
        club,
        pipeline,
        status,
        startedAt,
        durationMs === null ? null : startedAt + durationMs,
        durationMs,
        Math.floor(random() * 50),
        Math.floor(random() * 500),
        Math.floor(random() * 5000),
        runErrors,
        runErrors,
        lineTotal,
        1000 + (id % 30000),
        status === 'failure' ? 1 : status === 'success' ? 0 : null,
        `${club}/${pipeline}/run-${id}.ndjson`,
        startedAt + (durationMs ?? 1000),
      );
      STEPS.forEach((name, seq) =>
        insertStep.run(
          id,
          name,
          club,
          seq,
          status === 'running' && seq === 2 ? 'running' : 'success',
          startedAt,
          startedAt + 1000,
          1000,
          1,
          2,
          3,
          0,
          50,
          100,
        ),
      );
      let offset = 0;
      for (let k = 0; k < lineTotal; k++) {
        const r = random();
        const level = r < 0.01 ? 50 : r < 0.06 ? 40 : 30;
        const event = k === 0 ? 'run.start' : k === lineTotal - 1 && status !== 'running' ? 'run.end' : null;
        const msg = `${MESSAGES[k % MESSAGES.length]} #${k}`;
        const data = k % 2 === 0 ? `{"page":${k},"count":${50 + (k % 7)},"member":"M${(k * 7919) % 100000}"}` : null;
        insertLog.run(id, offset, startedAt + k * 10, level, event, STEPS[k % 3], msg, data);
        offset += 150 + msg.length + (data?.length ?? 0);
      }
      lines += lineTotal;
      for (let e = 0; e < runErrors; e++) {
        const identifier = `M${Math.floor(random() * 20)}`;
        const system = e === 0 ? 'laposta' : 'sportlink';
        insertError.run(
          id,
          10_000_000 + e,
          club,
          pipeline,
          identifier,
          system,
          `HTTP 500 from ${system} for ${identifier}`,
          `fp-${system}`,
          startedAt + 5000 + e,
        );
        errors++;
      }
    }
  });
  // Transactions of ~100k log lines: big enough to amortise the commit, small enough to keep the WAL modest.
  const chunk = Math.max(1, Math.floor(100_000 / Math.max(1, baseLines)));
  let lastReport = performance.now();
  for (let from = 1; from <= runCount; from += chunk) {
    seedRuns(from, Math.min(runCount + 1, from + chunk));
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      const rate = Math.round(lines / ((lastReport - started) / 1000));
      console.log(`  seeding: ${from + chunk - 1} runs, ${lines} lines (${rate} lines/s)`);
    }
  }
  client.pragma('wal_checkpoint(TRUNCATE)');
  client.pragma('synchronous = NORMAL');
  const seconds = (performance.now() - started) / 1000;
  return { runs: runCount, lines, errors, seconds, bigRunIds };
}

// ---------------------------------------------------------------- client

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(port: number, path: string): Promise<{ status: number; body: string }> {
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

interface Figure {
  name: string;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  bytes: number;
  target: boolean;
}

async function measure(port: number, name: string, path: string, requests: number, target: boolean): Promise<Figure> {
  const first = await get(port, path);
  if (first.status !== 200) throw new Error(`${name}: ${path} answered ${first.status}: ${first.body.slice(0, 200)}`);
  for (let i = 0; i < Math.min(20, requests); i++) await get(port, path);
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    await get(port, path);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times.at(-1) ?? NaN,
    bytes: Buffer.byteLength(first.body),
    target,
  };
}

function ask<T>(child: ChildProcess, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (reply: Record<string, unknown>) => {
      if (key in reply) {
        child.off('message', onMessage);
        resolve(reply as T);
      }
    };
    child.on('message', onMessage);
    if (message) child.send(message);
  });
}

function explain(db: Db, sql: string, ...params: unknown[]): string {
  const rows = db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
  return rows.map((r) => r.detail).join('; ');
}

async function main(): Promise<void> {
  const runCount = Number(args.runs);
  const lineCount = Number(args.lines);
  const requests = Number(args.requests);
  const seedValue = Number(args.seed);
  const dir = mkdtempSync(join(tmpdir(), 'runboard-bench-api-'));
  const dbFile = join(dir, 'dashboard.sqlite');
  console.log(`bench/api: ${runCount} runs, ${lineCount} log lines, ${requests} requests per route, seed ${seedValue}`);
  console.log(`  database: ${dbFile}`);
  let child: ChildProcess | null = null;
  try {
    const db = openDb(dbFile);
    const seeded = seed(db, runCount, lineCount, seededRandom(seedValue));
    const dbBytes = statSync(dbFile).size;
    console.log(
      `seeded ${seeded.runs} runs, ${seeded.lines} log lines, ${seeded.errors} errors in ${seeded.seconds.toFixed(1)} s ` +
        `(${Math.round(seeded.lines / seeded.seconds)} lines/s); database ${(dbBytes / 2 ** 20).toFixed(0)} MiB`,
    );

    // Fixtures for the routes: a deep cursor (90% of the way down), the biggest run and a line in its middle.
    const deepRank = Math.floor(runCount * 0.9);
    const deep = db.$client
      .prepare('SELECT started_at AS startedAt, id FROM runs ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET ?')
      .get(deepRank) as { startedAt: number; id: number };
    const deepCursor = encodeCursor('runs', [deep.startedAt, deep.id]);
    const bigRun = seeded.bigRunIds[Math.floor(seeded.bigRunIds.length / 2)] as number;
    const bigRunLines = db.$client.prepare('SELECT log_count FROM runs WHERE id = ?').pluck().get(bigRun) as number;
    const middle = db.$client
      .prepare('SELECT "offset" FROM run_logs WHERE run_id = ? ORDER BY "offset" LIMIT 1 OFFSET ?')
      .get(bigRun, Math.floor(bigRunLines / 2)) as { offset: number } | undefined;
    const middleOffset = middle?.offset ?? 0;
    console.log('query plans (no ANALYZE, as in production):');
    console.log(
      `  runs first page: ${explain(db, 'SELECT id FROM runs WHERE started_at IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 51')}`,
    );
    console.log(
      `  runs deep page:  ${explain(db, 'SELECT id FROM runs WHERE started_at IS NOT NULL AND (started_at, id) < (?, ?) ORDER BY started_at DESC, id DESC LIMIT 51', 1, 1)}`,
    );
    console.log(
      `  runs by club:    ${explain(db, 'SELECT id FROM runs WHERE club_slug = ? AND started_at IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 51', 'club-1')}`,
    );
    console.log(
      `  runs by status:  ${explain(db, 'SELECT id FROM runs WHERE status = ? AND started_at IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 51', 'failure')}`,
    );
    console.log(
      `  logs by level:   ${explain(db, 'SELECT id FROM run_logs WHERE run_id = ? AND level >= ? ORDER BY "offset" DESC LIMIT 201', 1, 40)}`,
    );
    db.$client.close();

    const script = fileURLToPath(import.meta.url);
    child = fork(script, ['--serve', dbFile], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    const { port, startRssBytes } = await ask<{ port: number; startRssBytes: number }>(child, '', 'port');

    const scenarios: Array<[string, string, boolean]> = [
      ['GET /api/runs (first page, 50)', '/api/runs', true],
      [`GET /api/runs (deep cursor, rank ${deepRank})`, `/api/runs?cursor=${deepCursor}`, true],
      ['GET /api/runs?limit=500', '/api/runs?limit=500', false],
      ['GET /api/runs?club=club-3', '/api/runs?club=club-3', false],
      ['GET /api/runs?club&pipeline (deep)', `/api/runs?club=club-3&pipeline=pipeline-7&cursor=${deepCursor}`, false],
      ['GET /api/runs?status=failure', '/api/runs?status=failure', false],
      ['GET /api/runs?status=running', '/api/runs?status=running', false],
      [`GET /api/runs/:id (${bigRun})`, `/api/runs/${bigRun}`, false],
      [`GET logs newest 200 (run of ${bigRunLines} lines)`, `/api/runs/${bigRun}/logs`, true],
      ['GET logs middle page (before=middle)', `/api/runs/${bigRun}/logs?before=${middleOffset}`, true],
      ['GET logs after=middle', `/api/runs/${bigRun}/logs?after=${middleOffset}`, false],
      ['GET logs level=warn (5% of lines)', `/api/runs/${bigRun}/logs?level=warn`, true],
      ['GET logs level=error (1%)', `/api/runs/${bigRun}/logs?level=error`, true],
      ['GET logs level=error, middle page', `/api/runs/${bigRun}/logs?level=error&before=${middleOffset}`, false],
      ['GET logs level=fatal (no match: scans the run)', `/api/runs/${bigRun}/logs?level=fatal`, false],
      ['GET logs step=submit', `/api/runs/${bigRun}/logs?step=submit`, false],
      ['GET logs q=backing (20% match)', `/api/runs/${bigRun}/logs?q=backing`, false],
      ['GET logs q=nomatch (scans the run)', `/api/runs/${bigRun}/logs?q=nomatch`, false],
      ['GET logs newest 200 (a 90-line run)', `/api/runs/${deep.id}/logs`, false],
      ['GET /api/pipelines (200 pipelines)', '/api/pipelines', false],
      ['GET /api/errors', '/api/errors', false],
      ['GET /api/errors/groups (7 days)', '/api/errors/groups', false],
    ];
    const figures: Figure[] = [];
    for (const [name, path, target] of scenarios) {
      const figure = await measure(
        port,
        name,
        path,
        target ? requests : Math.max(50, Math.floor(requests / 3)),
        target,
      );
      figures.push(figure);
      const mark = target ? (figure.p95 <= 50 ? 'ok ' : 'MISS') : '   ';
      console.log(
        `${mark} ${name.padEnd(52)} p50 ${figure.p50.toFixed(2).padStart(7)} ms  p95 ${figure.p95.toFixed(2).padStart(7)} ms` +
          `  p99 ${figure.p99.toFixed(2).padStart(7)} ms  max ${figure.max.toFixed(1).padStart(6)} ms  ${(figure.bytes / 1024).toFixed(1)} KiB`,
      );
    }
    const rss = await ask<{ maxRssKiB: number; rssBytes: number }>(child, 'rss', 'maxRssKiB');
    const missed = figures.filter((f) => f.target && f.p95 > 50);
    console.log(
      `server RSS after start ${(startRssBytes / 2 ** 20).toFixed(0)} MiB, peak ${(rss.maxRssKiB / 1024).toFixed(0)} MiB, ` +
        `at the end ${(rss.rssBytes / 2 ** 20).toFixed(0)} MiB; ` +
        `bench process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
    );
    console.log(
      missed.length === 0
        ? 'target p95 <= 50 ms: met by every target route'
        : `target p95 <= 50 ms: MISSED by ${missed.map((f) => f.name).join(', ')}`,
    );
    child.send('stop');
    await new Promise((resolve) => child?.once('exit', resolve));
    child = null;
  } finally {
    child?.kill();
    agent.destroy();
    if (args.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (args.serve !== undefined) void serve(args.serve);
else {
  if (args.scenario === 'routes' || args.scenario === 'all') await main();
  if (args.scenario === 'search' || args.scenario === 'all') {
    await runSearchScenario({
      searchLines: Number(args['search-lines']),
      searches: Number(args.searches),
      rate: Number(args.rate),
      seconds: Number(args.seconds),
    });
  }
}
