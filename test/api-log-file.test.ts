// GET /api/runs/:id/log.ndjson: the run's file byte for byte, and never anything outside the runs directory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, RunView } from '../shared/api.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';

let server: TestServer;
const SECRET = 'TOP-SECRET-OUTSIDE-RUNS-DIR';
let secretFile: string;
/** Runs by pipeline name, each with its file. */
const runs = new Map<string, { id: number; file: string }>();

const get = (url: string) => server.app.inject({ url });
const setSourceFile = (id: number, path: string | null): void => {
  server.db.$client.prepare('UPDATE runs SET source_file = ? WHERE id = ?').run(path, id);
};

beforeAll(async () => {
  server = await testServer();
  secretFile = join(server.root, 'secret.ndjson');
  writeFileSync(secretFile, `{"msg":"${SECRET}"}\n`);
  for (const pipeline of [
    'plain',
    'moved',
    'linked-out',
    'linked-in',
    'dir-out',
    'fifo',
    'traversal',
    'absolute',
    'nofile',
    'fallback',
    'empty',
  ]) {
    const run = await recordRun(server.runsDir, { club: 'c', pipeline }, (r) => {
      r.log.info({ hostile: '<script>alert(1)</script>', quote: '"\\' }, `line of ${pipeline} – ünïcødé ✓`);
    });
    runs.set(pipeline, { id: 0, file: run.file as string });
  }
  await server.ingest();
  for (const run of (await get('/api/runs')).json<Page<RunView>>().items) {
    const entry = runs.get(run.pipeline);
    if (entry) entry.id = run.id;
  }
});
afterAll(() => server.close());

const run = (pipeline: string) => runs.get(pipeline) as { id: number; file: string };

describe('GET /api/runs/:id/log.ndjson', () => {
  it('streams the file exactly as written', async () => {
    const { id, file } = run('plain');
    const res = await get(`/api/runs/${id}/log.ndjson`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(readFileSync(file))).toBe(true);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['content-length']).toBe(String(readFileSync(file).length));
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.ndjson"$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves an empty file as empty', async () => {
    const { id, file } = run('empty');
    writeFileSync(file, '');
    const res = await get(`/api/runs/${id}/log.ndjson`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBe(0);
  });

  it('404s an unknown run and 400s a bad id', async () => {
    expect((await get('/api/runs/99999/log.ndjson')).statusCode).toBe(404);
    const bad = await get('/api/runs/..%2F..%2Fetc/log.ndjson');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toContain('"id"');
  });

  it('404s when the file is gone or was never known', async () => {
    const moved = run('moved');
    renameSync(moved.file, `${moved.file}.bak`);
    const res = await get(`/api/runs/${moved.id}/log.ndjson`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404, message: "the run's file no longer exists" });
    setSourceFile(run('nofile').id, null);
    server.db.$client.prepare('UPDATE ingest_files SET run_id = NULL WHERE run_id = ?').run(run('nofile').id);
    expect((await get(`/api/runs/${run('nofile').id}/log.ndjson`)).statusCode).toBe(404);
  });

  it('finds the file through ingest_files when the run row has no source file', async () => {
    const { id, file } = run('fallback');
    setSourceFile(id, null);
    const res = await get(`/api/runs/${id}/log.ndjson`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(readFileSync(file))).toBe(true);
  });

  it.each([
    ['traversal', () => '../secret.ndjson'],
    ['traversal', () => 'c/../../secret.ndjson'],
    ['traversal', () => '../../../../../../etc/passwd'],
    ['absolute', () => secretFile],
    ['absolute', () => '/etc/passwd'],
  ])('refuses a stored path escaping the runs directory (%s)', async (pipeline, path) => {
    setSourceFile(run(pipeline).id, path());
    const res = await get(`/api/runs/${run(pipeline).id}/log.ndjson`);
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('root:');
    expect(res.json()).toMatchObject({ error: 'Forbidden', statusCode: 403 });
  });

  it('refuses a run file that is a symlink to a file outside', async () => {
    const { id, file } = run('linked-out');
    unlinkSync(file);
    symlinkSync(secretFile, file);
    const res = await get(`/api/runs/${id}/log.ndjson`);
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain(SECRET);
  });

  it('refuses a path through a directory symlink leading outside', async () => {
    const { id, file } = run('dir-out');
    const outsideDir = join(server.root, 'outside');
    mkdirSync(outsideDir);
    writeFileSync(join(outsideDir, 'x.ndjson'), `{"msg":"${SECRET}"}\n`);
    symlinkSync(outsideDir, join(server.runsDir, 'escape'));
    setSourceFile(id, 'escape/x.ndjson');
    const res = await get(`/api/runs/${id}/log.ndjson`);
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain(SECRET);
    rmSync(file);
  });

  it('follows a symlink that stays inside the runs directory', async () => {
    const { id, file } = run('linked-in');
    const target = join(server.runsDir, 'archive.ndjson');
    renameSync(file, target);
    symlinkSync(target, file);
    const res = await get(`/api/runs/${id}/log.ndjson`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(readFileSync(target))).toBe(true);
  });

  it('refuses a FIFO without waiting for a writer', async () => {
    const { id, file } = run('fifo');
    unlinkSync(file);
    execFileSync('mkfifo', [file]);
    const res = await get(`/api/runs/${id}/log.ndjson`);
    expect(res.statusCode).toBe(403);
    expect(res.json<{ message: string }>().message).toContain('not a regular file');
  });
});
