// GET /api/rejects: lines the ingest daemon rejected, with their reasons, newest first.
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogsResponse, Page, RejectView, RunView } from '../shared/api.js';
import { relativeRunPath } from '../shared/run-path.js';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { recordRun } from './helpers/seed-run-files.js';

let server: TestServer;
let relFile: string;
const get = (url: string) => server.app.inject({ url });

const BAD_LINES: Array<[string | Buffer, string]> = [
  ['{"msg": "unterminated', 'invalid_json'],
  ['[1,2,3]', 'not_object'],
  [Buffer.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'invalid_utf8'],
  ['{"event":"run.explode"}', 'unknown_event'],
  ['{"event":"step.progress","step":"s"}', 'bad_field'],
  ['<script>alert(1)</script>', 'invalid_json'],
];

beforeAll(async () => {
  server = await testServer();
  const run = await recordRun(server.runsDir, { club: 'c', pipeline: 'messy' }, (r) => {
    r.log.info('before the mess');
  });
  const file = run.file as string;
  relFile = relativeRunPath(server.runsDir, file);
  for (const [line] of BAD_LINES) appendFileSync(file, Buffer.concat([Buffer.from(line), Buffer.from('\n')]));
  appendFileSync(file, `${JSON.stringify({ level: 30, time: Date.now(), msg: 'after the mess' })}\n`);
  await recordRun(server.runsDir, { club: 'c', pipeline: 'clean' }, () => undefined);
  await server.ingest();
});
afterAll(() => server.close());

describe('GET /api/rejects', () => {
  it('lists every rejected line with its reason, newest first, and the good lines around them are kept', async () => {
    const res = await get('/api/rejects');
    expect(res.statusCode).toBe(200);
    const page = res.json<Page<RejectView>>();
    expect(page.items.map((r) => r.reason)).toEqual(BAD_LINES.map(([, reason]) => reason).reverse());
    expect(page.items.every((r) => r.file === relFile)).toBe(true);
    const offsets = page.items.map((r) => r.offset);
    expect([...offsets].sort((a, b) => b - a)).toEqual(offsets);
    expect(page.items[0]?.excerpt).toBe('<script>alert(1)</script>');
    expect(page.items[0]?.lineBytes).toBe('<script>alert(1)</script>'.length);

    const runs = (await get('/api/runs?pipeline=messy')).json<Page<RunView>>().items;
    const lines = (await get(`/api/runs/${runs[0]?.id}/logs`)).json<LogsResponse>().lines.map((l) => l.msg);
    expect(lines).toContain('before the mess');
    expect(lines).toContain('after the mess');
  });

  it('pages by cursor and filters by reason and file', async () => {
    const first = (await get('/api/rejects?limit=4')).json<Page<RejectView>>();
    expect(first.items).toHaveLength(4);
    const rest = (await get(`/api/rejects?limit=4&cursor=${first.nextCursor}`)).json<Page<RejectView>>();
    expect(rest.items).toHaveLength(2);
    expect(rest.nextCursor).toBeNull();
    const json = (await get('/api/rejects?reason=invalid_json')).json<Page<RejectView>>();
    expect(json.items.map((r) => r.reason)).toEqual(['invalid_json', 'invalid_json']);
    expect((await get(`/api/rejects?file=${encodeURIComponent(relFile)}`)).json<Page<RejectView>>().items).toHaveLength(
      6,
    );
    expect((await get('/api/rejects?file=c/clean/x.ndjson')).json()).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['reason=DROP%20TABLE', 'reason'],
    ['limit=1001', 'limit'],
    ['cursor=%3D%3D', 'cursor'],
    ['file=', 'file'],
  ])('400s %s', async (query, name) => {
    const res = await get(`/api/rejects?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain(`"${name}"`);
  });
});
