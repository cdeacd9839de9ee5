// The config file from the operator's side: `runboard start --config FILE` (or RUNBOARD_CONFIG) refuses a bad file
// with one line per problem and exit 2; `runboard check-config FILE` judges it the same way without starting;
// SIGHUP reloads it, a bad reload keeps the old config; GET /api/config shows it with secrets masked. Real child
// processes, real files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigView } from '../shared/api.js';
import { killChildren, spawnRunboard } from './fixtures/live-child-process.js';
import { waitFor } from './fixtures/live-wait.js';

const dirs: string[] = [];
afterEach(async () => {
  await killChildren();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-config-file-'));
  dirs.push(dir);
  return dir;
}

function dataArgs(dir: string): string[] {
  return ['--port', '0', '--runs-dir', join(dir, 'runs'), '--db', join(dir, 'db', 'dashboard.sqlite')];
}

const BAD = `pipelines:
  - pipeline: people
    schedule: "0 3 * *"
    grace: soon
`;

/** The status of a GET naming this Host (fetch would not let us set it). */
function statusForHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = httpRequest({ host: hostname, port, path: '/api/runs', headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function getConfig(url: string): Promise<ConfigView> {
  const response = await fetch(`${url}/api/config`);
  expect(response.status).toBe(200);
  return (await response.json()) as ConfigView;
}

describe('the config file', () => {
  it('a bad file stops start-up with one line per problem and exit 2, from --config or RUNBOARD_CONFIG', async () => {
    const dir = tempDir();
    const file = join(dir, 'runboard.yaml');
    writeFileSync(file, BAD);
    for (const [args, env] of [
      [['--config', file], {}],
      [[], { RUNBOARD_CONFIG: file }],
    ] as const) {
      const started = spawnRunboard(['start', ...dataArgs(dir), ...args], { env });
      const { code } = await started.exited;
      expect(code).toBe(2);
      const lines = started.stderr().trimEnd().split('\n');
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^runboard start: ${file}:3:15: pipelines\\[0\\]\\.schedule: .*4 fields`)),
        expect.stringMatching(
          new RegExp(`^runboard start: ${file}:4:12: pipelines\\[0\\]\\.grace: "soon" is not a duration`),
        ),
      ]);
    }
  });

  it('check-config says what is wrong (exit 2) or that the file is fine (exit 0), starting nothing', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, BAD);
    const refused = spawnRunboard(['check-config', bad]);
    expect((await refused.exited).code).toBe(2);
    expect(refused.stderr().trimEnd().split('\n')).toHaveLength(2);
    expect(refused.stderr()).toContain(`runboard check-config: ${bad}:3:15: pipelines[0].schedule:`);

    const crontab = join(dir, 'crontab');
    writeFileSync(crontab, '0 3 * * * runboard exec --pipeline people -- true\n');
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({
        pipelines: [{ pipeline: 'people', grace: '10m' }],
        crontabs: [crontab],
        identifierFields: ['knvb_id', 'memberId'],
      }),
    );
    const accepted = spawnRunboard(['check-config', good]);
    expect((await accepted.exited).code).toBe(0);
    expect(accepted.stdout()).toContain(`${good}: ok: 1 pipeline, 1 crontab`);
    expect(accepted.stdout()).toContain(`${crontab}: 1 scheduled pipeline`);
    expect(accepted.stdout()).toContain('identifierFields: knvb_id, memberId (in place of --identifier-fields)');
    expect(accepted.logLines()).toEqual([]);
  });

  it('SIGHUP reloads the file; a bad reload keeps the old config; GET /api/config masks secrets', async () => {
    const dir = tempDir();
    const file = join(dir, 'runboard.yaml');
    const write = (schedule: string, publicUrl = 'https://one.example') =>
      writeFileSync(
        file,
        `publicUrl: ${publicUrl}
pipelines:
  - pipeline: nightly
    schedule: "${schedule}"
    timezone: Europe/Amsterdam
alerts:
  channels:
    - { name: mail, type: email, smtp: "smtp://ops:hunter2@mail.example.org", from: a@b, to: [c@d] }
    - { name: hook, type: webhook, url: "https://hooks.example.org/in", secret: "\${RB_TEST_SMTP_PASSWORD}" }
`,
      );
    write('0 3 * * *');
    const secret = 'very-secret-value-42';
    const child = spawnRunboard(['start', ...dataArgs(dir), '--config', file], {
      env: { RB_TEST_SMTP_PASSWORD: secret },
    });
    const url = await child.waitReady();

    const first = await getConfig(url);
    expect(first.file).toBe(file);
    expect(first.pipelines).toEqual([
      expect.objectContaining({
        club: 'default',
        pipeline: 'nightly',
        schedule: '0 3 * * *',
        scheduleText: 'At 03:00',
        scheduleSource: 'config',
        timezone: 'Europe/Amsterdam',
        configPath: 'pipelines[0]',
      }),
    ]);
    expect(first.document).toMatchObject({
      alerts: {
        channels: [
          expect.objectContaining({ smtp: 'smtp://ops:********@mail.example.org' }),
          expect.objectContaining({ secret: '********' }),
        ],
      },
    });
    const body = JSON.stringify(first);
    expect(body).not.toContain(secret);
    expect(body).not.toContain('hunter2');

    // The public URL's name is answered (a proxy's Host), another is refused (DNS rebinding).
    expect(await statusForHost(url, 'one.example')).toBe(200);
    expect(await statusForHost(url, 'two.example')).toBe(421);

    write('0 4 * * *', 'https://two.example');
    child.child.kill('SIGHUP');
    await waitFor(() => child.logLines().some((l) => l.msg === 'config reloaded'), 'the reload');
    let schedule: string | null = null;
    for (const deadline = Date.now() + 10_000; schedule !== '0 4 * * *' && Date.now() < deadline;) {
      schedule = (await getConfig(url)).pipelines[0]?.schedule ?? null;
    }
    expect(schedule).toBe('0 4 * * *');
    // The reloaded publicUrl decides which name is answered: the new one, no longer the old one.
    expect(await statusForHost(url, 'two.example')).toBe(200);
    expect(await statusForHost(url, 'one.example')).toBe(421);

    writeFileSync(file, BAD);
    child.child.kill('SIGHUP');
    await waitFor(
      () => child.logLines().some((l) => String(l.msg).startsWith('config reload refused')),
      'the refused reload',
    );
    const refusedLine = child.logLines().find((l) => String(l.msg).startsWith('config reload refused'));
    expect(refusedLine?.problems).toEqual([
      expect.stringContaining('pipelines[0].schedule'),
      expect.stringContaining('grace'),
    ]);
    expect((await getConfig(url)).pipelines[0]?.schedule).toBe('0 4 * * *');
    expect(child.child.exitCode).toBe(null);
    expect(child.stdout()).not.toContain(secret);
  });
});
