// How long `runboard alerts backtest --since 30d` replays take, pure part only (the judge and the rules): 30 days of
// pipelines due every 5 minutes, each run on time, one in 20 failing and one due time in 50 skipped.
import { parseConfigFile } from '../health/config-file.js';
import { replayAlerts, type HistoryRun, type PipelineHistory } from '../health/replay.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const PIPELINES = Number(process.env.BENCH_PIPELINES ?? 4);
const until = Date.UTC(2026, 10, 30, 0, 0, 0);
const since = until - 30 * DAY;

const yaml = `pipelines:
  - { pipeline: p, schedule: "*/5 * * * *", timezone: UTC, grace: 2m }
alerts:
  channels: [{ name: hook, type: webhook, url: "http://127.0.0.1:9/hook" }]
  rules:
    - { channels: [hook], on: [failed, late, missed, stuck, recovered, flapping], remind: 6h }
    - { channels: [hook], on: [failed, recovered], after: 3 }
`;
const parsed = parseConfigFile(yaml, { file: 'bench.yaml', env: {} });
if (!parsed.ok) throw new Error('bench config');

let id = 1;
let runCount = 0;
const histories: PipelineHistory[] = [];
for (let p = 0; p < PIPELINES; p++) {
  const runs: HistoryRun[] = [];
  for (let due = since - 40 * 5 * MIN, n = 0; due < until; due += 5 * MIN, n++) {
    if (n % 50 === 7) continue;
    const failed = n % 20 === 3;
    runs.push({
      id: String(id++),
      status: failed ? 'failure' : 'success',
      startedAt: due + 2_000,
      finishedAt: due + 62_000,
      durationMs: 60_000,
      created: 1,
      updated: 2,
      failed: 0,
      errorCount: 0,
      declared: null,
    });
  }
  runCount += runs.length;
  histories.push({ club: `club${p}`, pipeline: 'p', runs, watchingSince: null, errors: [] });
}

const started = performance.now();
const result = replayAlerts({
  histories,
  sources: { config: parsed.config.pipelines, crontab: [], defaultTimezone: 'UTC' },
  rules: parsed.config.alertsConfig.rules,
  since,
  until,
});
const ms = performance.now() - started;
console.log(
  `alerts backtest replay: ${PIPELINES} pipelines × 30 days every 5 min (${runCount} runs): ${ms.toFixed(0)} ms, ` +
    `${((runCount / ms) * 1000).toFixed(0)} runs/s, ${result.alerts.length} alerts`,
);
