// The proof the issue asks for: the same rules run live send the same alerts as `runboard alerts backtest` says
// they would have. A real daemon with a config (a second-resolution schedule, short grace, three rules, a webhook
// channel to a local HTTP receiver) is fed a scripted history of real pino run files: a failing streak under
// `after: 2`, a flapping pipeline, and a scheduled pipeline that goes late, missed, recovers, and goes late and
// missed again. Then `runboard alerts backtest --json` runs as a child process over the same database, beside the
// still-running daemon, and both lists are compared.
//
// What is compared, strictly and in order: club, pipeline, kind, reason, runId and reminder of every alert. The
// differences that are inherent, and so are not compared or compared within a bound:
// - `at`: the daemon judges a run when it has read the line and a late/missed when its timer fires, a few ms after
//   the instant the replay uses (the line's own time, due + grace exactly); checked to lie within 5 s after it;
// - `previousState`: the daemon may never see `running` for a run it read in one go, the replay always does.
// Scripted runs happen away from the schedule's due and late instants (at least a second), so no alert of one
// pipeline can swap places with another's because of those few ms.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import type { BacktestAlertJson } from '../app/alerts-backtest-format.js';
import { startRun } from '../shared/run-logger.js';
import { killChildren, spawnRunboard } from './fixtures/live-child-process.js';
import { waitFor } from './fixtures/live-wait.js';
import { killLeftovers, spawnTs } from './fixtures/logger-run-file.js';

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  killLeftovers();
  await killChildren();
  for (const server of servers.splice(0)) server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Received {
  alertId: string;
  kind: string;
  club: string;
  pipeline: string;
  reason: string;
  runId: string | null;
  at: string;
}

async function receiver(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const alert = JSON.parse(body) as Received;
      if (!received.some((r) => r.alertId === alert.alertId)) received.push(alert);
      res.statusCode = 204;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

/** The schedule below: due every 10 s, late 3 s after. */
const PERIOD_MS = 10_000;
const phase = (): number => Date.now() % PERIOD_MS;

/** Waits for the clock (not for an event: the schedule is the clock) until the phase lies in [from, to). */
async function untilPhase(from: number, to: number): Promise<void> {
  const now = phase();
  if (now >= from && now < to) return;
  await new Promise((resolve) => setTimeout(resolve, (from - now + PERIOD_MS) % PERIOD_MS));
}

it('the alerts a live daemon sends are the alerts the backtest says the same rules would have sent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-backtest-'));
  dirs.push(dir);
  const hook = await receiver();
  const file = join(dir, 'runboard.yaml');
  writeFileSync(
    file,
    `pipelines:
  - { pipeline: nightly, club: acme, schedule: "*/10 * * * * *", grace: 3s }
alerts:
  channels:
    - { name: hook, type: webhook, url: "${hook.url}", secret: "\${HOOK_SECRET}" }
  rules:
    - { channels: [hook], on: [failed, late, missed, recovered], pipeline: nightly }
    - { channels: [hook], on: [failed, recovered], pipeline: sync, after: 2 }
    - { channels: [hook], on: [failed, recovered, flapping], pipeline: flaky }
`,
  );
  const runsDir = join(dir, 'runs');
  const db = join(dir, 'db', 'dashboard.sqlite');
  const daemon = spawnRunboard(['start', '--port', '0', '--runs-dir', runsDir, '--db', db, '--config', file], {
    env: { HOOK_SECRET: 's3cret' },
  });
  await daemon.waitReady();

  const query = <T>(sql: string, ...params: unknown[]): T | undefined => {
    const client = new Database(db, { readonly: true });
    try {
      return client.prepare(sql).get(...params) as T | undefined;
    } finally {
      client.close();
    }
  };
  /** One run, written by the real run logger; returns once the daemon has judged its end (and run its rules). */
  const scriptedRun = async (pipeline: string, outcome: 'success' | 'failure'): Promise<void> => {
    const run = startRun({ pipeline, club: 'acme', runsDir, handleProcessEnd: false, progressIntervalMs: 0 });
    run.log.info('working');
    await run.end({ outcome });
    await waitFor(() => {
      const row = query<{ id: number }>(
        "SELECT id FROM runs WHERE club_slug = 'acme' AND pipeline = ? AND run_key = ?",
        pipeline,
        run.runId,
      );
      const health = query<{ reason: string }>(
        "SELECT reason FROM pipeline_health WHERE club_slug = 'acme' AND pipeline = ?",
        pipeline,
      );
      const word = outcome === 'success' ? 'succeeded' : 'failed';
      return row !== undefined && health?.reason.startsWith(`run ${row.id} ${word}`) === true;
    }, `the daemon to judge ${pipeline} run ${run.runId}`);
  };
  const receivedKinds = (pipeline: string): string[] =>
    hook.received.filter((r) => r.pipeline === pipeline).map((r) => r.kind);
  /** Runs only between 4.5 s and 8 s after a due time: clear of due (0 s) and late (3 s) instants. */
  const runAwayFromDueTimes = async (pipeline: string, outcome: 'success' | 'failure'): Promise<void> => {
    await untilPhase(4_500, 8_000);
    await scriptedRun(pipeline, outcome);
  };

  // nightly never ran: late 3 s after the first due time.
  await waitFor(() => receivedKinds('nightly').includes('late'), 'nightly late', { timeoutMs: 30_000 });
  // sync: a failing streak under after: 2 (failed at the second bad run's end), then a recovery.
  for (const outcome of ['success', 'failure', 'failure', 'failure', 'success'] as const) {
    await runAwayFromDueTimes('sync', outcome);
  }
  // flaky: alternating; the sixth change within the hour becomes a flapping summary.
  for (let i = 0; i < 8; i++) await runAwayFromDueTimes('flaky', i % 2 === 0 ? 'failure' : 'success');
  // nightly: missed by now; a run 1 s after a due time recovers it; then it goes late and missed again and stays.
  await waitFor(() => receivedKinds('nightly').includes('missed'), 'nightly missed', { timeoutMs: 30_000 });
  await untilPhase(1_000, 2_000);
  await scriptedRun('nightly', 'success');
  await waitFor(
    () => receivedKinds('nightly').join() === 'late,missed,recovered,late,missed',
    'nightly late and missed again',
    { timeoutMs: 40_000 },
  );
  const outboxSize = (): number => query<{ n: number }>('SELECT COUNT(*) AS n FROM alert_outbox')?.n ?? -1;
  await waitFor(() => hook.received.length === outboxSize(), 'every outbox alert delivered', { timeoutMs: 30_000 });

  // The backtest, beside the running daemon (read-only), with no HOOK_SECRET in its environment.
  const args = ['alerts', 'backtest', '--since', '1h', '--config', file, '--db', db];
  const [json, text] = await Promise.all([
    spawnTs('app/cli.ts', [...args, '--json']).finished,
    spawnTs('app/cli.ts', args).finished,
  ]);
  expect(json.stderr).toBe('');
  expect(json.code).toBe(0);
  const report = JSON.parse(json.stdout) as { alerts: BacktestAlertJson[]; openAtStart: unknown[] };

  const live = [...hook.received].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const shape = (a: { club: string; pipeline: string; kind: string; reason: string; runId: string | null }) =>
    `${a.club}/${a.pipeline} ${a.kind} [${a.runId}] ${a.reason}`;
  expect(report.alerts.map(shape)).toEqual(live.map(shape));
  expect(report.alerts.every((a) => !a.reminder)).toBe(true);
  expect(report.openAtStart).toEqual([]);
  // Same events: each live alert was decided at, or a little after, the instant the replay places it.
  live.forEach((alert, i) => {
    const lag = Date.parse(alert.at) - (report.alerts[i]?.at ?? NaN);
    expect(lag, shape(alert)).toBeGreaterThanOrEqual(0);
    expect(lag, shape(alert)).toBeLessThan(5_000);
  });
  // What was scripted is what was sent (so an empty or partial pair of lists cannot pass).
  const sent = (pipeline: string): string[] => live.filter((a) => a.pipeline === pipeline).map((a) => a.kind);
  expect(sent('nightly')).toEqual(['late', 'missed', 'recovered', 'late', 'missed']);
  expect(sent('sync')).toEqual(['failed', 'recovered']);
  expect(sent('flaky')).toEqual(['failed', 'recovered', 'failed', 'recovered', 'failed', 'recovered', 'flapping']);
  expect(live.find((a) => a.pipeline === 'sync' && a.kind === 'failed')?.reason).toMatch(/\(2 runs in a row\)$/);

  // The table prints one row per alert, with its channel.
  expect(text.code).toBe(0);
  const rows = text.stdout.split('\n').filter((line) => / acme\/(nightly|sync|flaky) /.test(line));
  expect(rows).toHaveLength(live.length);
  expect(rows[0]).toMatch(/ late +acme\/nightly +hook +due at /);
  expect(text.stdout).toContain(`${live.length} alerts: `);
}, 180_000);
