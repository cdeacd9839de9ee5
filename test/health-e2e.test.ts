// Pipeline health end to end, with second-resolution schedules so late and missed come in seconds: a scheduled
// pipeline that never runs turns late, then missed, over the REST API and the live socket; a run makes it running,
// then ok; a restart keeps `since` and announces nothing again; a crontab change is picked up without a restart;
// a schedule declared on run.start counts, below the config and the crontab. Real daemon, real files, real sockets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigView, PipelineSummary } from '../shared/api.js';
import type { PipelineHealth } from '../shared/health.js';
import { startRun } from '../shared/run-logger.js';
import { killChildren, spawnRunboard } from './fixtures/live-child-process.js';
import { LiveTestClient } from './fixtures/live-client.js';
import { waitFor } from './fixtures/live-wait.js';

const dirs: string[] = [];
const sockets: LiveTestClient[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.socket.terminate();
  await killChildren();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setUp(config: string): { dir: string; runsDir: string; args: string[]; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-health-'));
  dirs.push(dir);
  const file = join(dir, 'runboard.yaml');
  writeFileSync(file, config);
  const runsDir = join(dir, 'runs');
  return {
    dir,
    runsDir,
    file,
    args: [
      'start',
      '--port',
      '0',
      '--runs-dir',
      runsDir,
      '--db',
      join(dir, 'db', 'dashboard.sqlite'),
      '--config',
      file,
    ],
  };
}

async function healthOf(url: string, club: string, pipeline: string): Promise<PipelineHealth | null> {
  const list = (await (await fetch(`${url}/api/pipelines`)).json()) as PipelineSummary[];
  return list.find((p) => p.club === club && p.pipeline === pipeline)?.health ?? null;
}

/** Asks again until `accept` holds (each answer is a real request); the deadline only bounds a failing test. */
async function until<T>(ask: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await ask();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function overviewSocket(url: string): Promise<LiveTestClient> {
  const client = await LiveTestClient.open(`${url.replace('http', 'ws')}/api/live`);
  sockets.push(client);
  client.send({ type: 'subscribe', topics: [{ kind: 'overview' }] });
  await waitFor(() => client.messages.some((m) => m.type === 'hello'), 'hello');
  return client;
}

function liveStates(client: LiveTestClient, club: string, pipeline: string): string[] {
  return client
    .data()
    .flatMap((m) => (m.type === 'health' ? m.items : []))
    .filter((item) => item.club === club && item.pipeline === pipeline)
    .map((item) => item.health.state);
}

/** `a a b a` → `a b a`. */
function collapse(states: string[]): string[] {
  return states.filter((state, i) => i === 0 || states[i - 1] !== state);
}

const EVERY_5_SECONDS = `pipelines:
  - pipeline: heartbeat
    club: acme
    schedule: "*/5 * * * * *"
    grace: 2s
`;

describe('pipeline health, end to end', () => {
  it('a scheduled pipeline with no run becomes late, then missed; a run makes it running, then ok', async () => {
    const { args, runsDir } = setUp(EVERY_5_SECONDS);
    const child = spawnRunboard(args);
    const url = await child.waitReady();
    const live = await overviewSocket(url);

    const late = await until(
      () => healthOf(url, 'acme', 'heartbeat'),
      (h) => h?.state === 'late',
      'late',
    );
    expect(late).toMatchObject({
      schedule: '*/5 * * * * *',
      scheduleText: 'Every 5 seconds',
      scheduleSource: 'config',
      urgency: 1,
    });
    expect(late?.reason).toMatch(/^due at .* \(grace 2 s\); no run recorded yet$/);
    const missed = await until(
      () => healthOf(url, 'acme', 'heartbeat'),
      (h) => h?.state === 'missed',
      'missed',
    );
    expect(missed?.urgency).toBe(0);
    await waitFor(() => liveStates(live, 'acme', 'heartbeat').includes('missed'), 'missed on the live socket');
    // Each due time moves nextDueAt, so a state can be pushed more than once: compare the sequence of changes.
    const changes = collapse(liveStates(live, 'acme', 'heartbeat'));
    expect(changes.slice(changes.indexOf('late'), changes.indexOf('missed') + 1)).toEqual(['late', 'missed']);
    expect(changes.slice(0, changes.indexOf('late')).every((state) => state === 'ok')).toBe(true);

    const run = startRun({ pipeline: 'heartbeat', club: 'acme', runsDir, handleProcessEnd: false });
    await waitFor(() => liveStates(live, 'acme', 'heartbeat').includes('running'), 'running on the live socket');
    await run.end();
    await waitFor(() => {
      const states = liveStates(live, 'acme', 'heartbeat');
      return states.indexOf('ok', states.indexOf('running')) > states.indexOf('running');
    }, 'ok after the run');
  });

  it('a restart keeps since and announces nothing again', async () => {
    const { args } = setUp(EVERY_5_SECONDS);
    const first = spawnRunboard(args);
    const url = await first.waitReady();
    const missed = await until(
      () => healthOf(url, 'acme', 'heartbeat'),
      (h) => h?.state === 'missed',
      'missed',
    );
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);

    const second = spawnRunboard(args);
    const url2 = await second.waitReady();
    const after = await healthOf(url2, 'acme', 'heartbeat');
    expect(after).toMatchObject({ state: 'missed', since: missed?.since });
    expect(second.logLines().filter((l) => l.msg === 'health')).toEqual([]);
  });

  it('reads schedules from a crontab, picks up a change without a restart, and ranks config > crontab > run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runboard-crontab-'));
    dirs.push(dir);
    const crontab = join(dir, 'jobs.crontab');
    writeFileSync(
      crontab,
      '# user crontab\nMAILTO=ops@example.org\nCRON_TZ=UTC\n0 3 * * * runboard exec --pipeline backup --club acme -- ./backup.sh\n',
    );
    const { args, runsDir } = setUp(
      `crontabs: [${crontab}]\npipelines:\n  - pipeline: people\n    schedule: "0 5 * * *"\n`,
    );
    const child = spawnRunboard(args);
    const url = await child.waitReady();

    expect(await healthOf(url, 'acme', 'backup')).toMatchObject({
      schedule: '0 3 * * *',
      scheduleSource: `${crontab}:4`,
      timezone: 'UTC',
    });

    // A run declaring its own schedule: used when nothing else names the pipeline, outranked otherwise.
    for (const pipeline of ['selfdeclared', 'backup', 'people']) {
      const run = startRun({
        pipeline,
        club: 'acme',
        runsDir,
        schedule: '*/10 * * * *',
        timezone: 'Europe/Amsterdam',
        handleProcessEnd: false,
      });
      await run.end();
    }
    const declared = await until(
      () => healthOf(url, 'acme', 'selfdeclared'),
      (h) => h?.scheduleSource === 'run',
      'the run-declared schedule',
    );
    expect(declared).toMatchObject({ schedule: '*/10 * * * *', timezone: 'Europe/Amsterdam' });
    const config = (await (await fetch(`${url}/api/config`)).json()) as ConfigView;
    const people = config.pipelines.find((p) => p.club === 'acme' && p.pipeline === 'people');
    expect(people).toMatchObject({ schedule: '0 5 * * *', scheduleSource: 'config' });
    expect(people?.ignored).toEqual(['run: "*/10 * * * *" (config takes precedence)']);
    expect(await healthOf(url, 'acme', 'backup')).toMatchObject({ scheduleSource: `${crontab}:4` });

    writeFileSync(
      crontab,
      '# moved to half past four\nCRON_TZ=UTC\n\n\n30 4 * * * runboard exec --pipeline backup --club acme -- ./backup.sh\n',
    );
    const moved = await until(
      () => healthOf(url, 'acme', 'backup'),
      (h) => h?.schedule === '30 4 * * *',
      'the crontab change',
    );
    expect(moved?.scheduleSource).toBe(`${crontab}:5`);
    expect(child.logLines().some((l) => l.msg === 'crontab changed; schedules read again')).toBe(true);
  });
});
