// An existing pino pipeline run unchanged under `runboard exec --identifier-field knvb_id`: its errors carry their
// records and systems, and after two runs the records failing run after run are listed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ErrorGroupsResponse, ErrorView, Page } from '../shared/api.js';
import { killLeftovers, spawnTs } from './fixtures/logger-run-file.js';
import { testServer, type TestServer } from './helpers/seed-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await testServer();
});
afterAll(async () => {
  killLeftovers();
  await server.close();
});

async function execLegacyPipeline(): Promise<number | null> {
  const spawned = spawnTs(
    'app/cli.ts',
    [
      'exec',
      '--pipeline',
      'members',
      '--club',
      'rondo',
      '--runs-dir',
      server.runsDir,
      '--identifier-field',
      'knvb_id',
      '--quiet',
      '--',
      process.execPath,
      join(import.meta.dirname, 'fixtures', 'exec-legacy-pino-child.js'),
    ],
    { RUNBOARD_EXEC_RUN: '' },
  );
  return (await spawned.finished).code;
}

it('errors carry their records and systems, and records failing in consecutive runs are listed', async () => {
  expect(await execLegacyPipeline()).toBe(1);
  expect(await execLegacyPipeline()).toBe(1);
  expect(readdirSync(join(server.runsDir, 'rondo', 'members'))).toHaveLength(2);
  await server.ingest();

  const errors = (await server.app.inject({ url: '/api/errors?pipeline=members' })).json<Page<ErrorView>>().items;
  expect(errors).toHaveLength(4);
  for (const error of errors) {
    expect(error).toMatchObject({ system: 'laposta', message: 'failed to push member' });
    expect(['KNVB123', 'KNVB456']).toContain(error.identifier);
    expect(error.stack).toMatch(/HTTP 50[02]/);
  }
  const groups = (await server.app.inject({ url: '/api/errors/groups?pipeline=members' })).json<ErrorGroupsResponse>();
  expect(groups.recurringIdentifiers.map((r) => r.identifier).sort()).toEqual(['KNVB123', 'KNVB456']);
  expect(groups.recurringIdentifiers.every((r) => r.consecutiveRuns === 2)).toBe(true);
});
