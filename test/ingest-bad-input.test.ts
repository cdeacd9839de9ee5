// Bad input never crashes and never loses data: each bad line becomes a reject with its reason, the offset moves
// past it, and every good line around it is ingested.
import { openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { DEFAULT_MAX_LINE_BYTES } from '../shared/events.js';
import { FileTailer, ScratchBuffer } from '../ingest/tailer.js';
import {
  append,
  committedOffset,
  line,
  messagesOf,
  rejects,
  runByKey,
  runFile,
  startDaemon,
  waitFor,
  ingestIt as it,
} from './fixtures/ingest-harness.js';

const TEN_MB = 10 * 1024 * 1024;

describe('every kind of bad line', () => {
  it('is rejected with its reason while the good lines around it are ingested', async ({ world }) => {
    const file = runFile(world, 'club', 'pipe', 'bad');
    const parts: (string | Buffer)[] = [
      line({ msg: 'good 1', event: 'run.start' }),
      '{"msg": "unterminated\n',
      line({ msg: 'good 2' }),
      '[1, 2, 3]\n',
      '"just a string"\n',
      line({ msg: 'good 3' }),
      '{"level": {"not": "a level"}}\n',
      '{"event": "run.explode"}\n',
      Buffer.concat([Buffer.from('{"msg": "bad bytes '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}\n')]),
      line({ msg: 'good 4' }),
      '{"event": "step.end", "step": "s"}\n',
      line({ msg: 'good 5' }),
    ];
    writeFileSync(file, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
    await startDaemon(world);

    const run = runByKey(world.db, 'bad')!;
    expect(messagesOf(world.db, run.id)).toEqual(['good 1', 'good 2', 'good 3', 'good 4', 'good 5']);
    const got = rejects(world.db);
    expect(got.map((r) => r.reason)).toEqual([
      'invalid_json',
      'not_object',
      'not_object',
      'bad_field',
      'unknown_event',
      'invalid_utf8',
      'bad_field',
    ]);
    // Offsets are where each bad line starts; excerpts show its start, decoded leniently.
    let offset = 0;
    const offsets: number[] = [];
    for (const part of parts) {
      const text = Buffer.isBuffer(part) ? part : Buffer.from(part);
      if (!/good/.test(text.toString())) offsets.push(offset);
      offset += text.length;
    }
    expect(got.map((r) => r.offset)).toEqual(offsets);
    expect(got.every((r) => r.file === 'club/pipe/bad.ndjson')).toBe(true);
    expect(got[0]!.excerpt).toBe('{"msg": "unterminated');
    expect(got[5]!.excerpt).toContain('bad bytes \uFFFD');
    expect(got[4]!.detail).toContain('run.explode');
    expect(got[0]!.lineBytes).toBe(Buffer.byteLength('{"msg": "unterminated'));
    expect(committedOffset(world.db, 'club/pipe/bad.ndjson')).toBe(offset);

    // And it keeps going.
    append(file, line({ msg: 'good 6' }));
    await waitFor('line after the rejects', () => runByKey(world.db, 'bad')!.logCount === 6);
  });

  it('a file whose first lines are all bad still gets its run from the first good line', async ({ world }) => {
    const file = runFile(world, 'club', 'pipe', 'late-good');
    writeFileSync(file, 'nope\n{]\n' + line({ msg: 'finally' }));
    await startDaemon(world);
    const run = runByKey(world.db, 'late-good')!;
    expect(messagesOf(world.db, run.id)).toEqual(['finally']);
    expect(rejects(world.db).map((r) => r.offset)).toEqual([0, 5]);
  });
});

describe('over-long lines', () => {
  it('a 10 MB line written in pieces while live is rejected as too_long; neighbours are ingested', async ({
    world,
  }) => {
    const file = runFile(world, 'club', 'pipe', 'huge');
    await startDaemon(world);
    const before = line({ msg: 'before' });
    append(file, before);
    await waitFor('before', () => runByKey(world.db, 'huge')?.logCount === 1);
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    append(file, '{"msg":"');
    for (let written = 8; written < TEN_MB; written += chunk.length) {
      append(file, chunk.subarray(0, Math.min(chunk.length, TEN_MB - written)));
    }
    append(file, '\n' + line({ msg: 'after' }));
    await waitFor('after', () => runByKey(world.db, 'huge')?.logCount === 2, 30_000);
    const run = runByKey(world.db, 'huge')!;
    expect(messagesOf(world.db, run.id)).toEqual(['before', 'after']);
    const [reject] = rejects(world.db);
    expect(reject).toMatchObject({ reason: 'too_long', offset: Buffer.byteLength(before), lineBytes: TEN_MB });
    expect(reject!.excerpt!.startsWith('{"msg":"xxx')).toBe(true);
    expect(Buffer.byteLength(reject!.excerpt!)).toBeLessThanOrEqual(200);
  });

  it('is skipped without ever being held whole: the tailer keeps at most the maximum line length', ({ world }) => {
    const path = join(world.dir, 'huge.ndjson');
    const big = Buffer.alloc(TEN_MB, 'y');
    writeFileSync(path, Buffer.concat([Buffer.from('{"a":1}\n'), big, Buffer.from('\n{"b":2}\n')]));
    const scratch = new ScratchBuffer(DEFAULT_MAX_LINE_BYTES);
    const tailer = new FileTailer(openSync(path, 'r'), 0, scratch, 1000);
    const size = 8 + TEN_MB + 9;
    const items = [];
    for (let passes = 0; passes < 1000; passes++) {
      const pass = tailer.readPass(size);
      items.push(...pass.items);
      if (pass.items.length > 0) tailer.commit(pass.endOffset);
      if (!pass.more) break;
    }
    tailer.close();
    expect(items.map((i) => i.kind)).toEqual(['text', 'too_long', 'text']);
    expect(items[1]).toMatchObject({ offset: 8, lineBytes: TEN_MB });
    expect(tailer.committedOffset).toBe(size);
    // The only buffer is the shared scratch (max line + one read); a tailer keeps no bytes between passes.
    expect(scratch.buffer.length).toBeLessThan(DEFAULT_MAX_LINE_BYTES + 512 * 1024);
  });

  it('the maximum is inclusive: a line of exactly maxLineBytes is accepted, one byte more is rejected', async ({
    world,
  }) => {
    const file = runFile(world, 'club', 'pipe', 'limit');
    const max = 1000;
    const exact = JSON.stringify({ msg: 'e'.repeat(max - 10) });
    const pad = max - Buffer.byteLength(exact);
    const atLimit = JSON.stringify({ msg: 'e'.repeat(max - 10 + pad) });
    const overLimit = JSON.stringify({ msg: 'o'.repeat(max - 10 + pad + 1) });
    expect(Buffer.byteLength(atLimit)).toBe(max);
    writeFileSync(file, `${atLimit}\n${overLimit}\n`);
    await startDaemon(world, { maxLineBytes: max });
    expect(runByKey(world.db, 'limit')!.logCount).toBe(1);
    expect(rejects(world.db)).toMatchObject([{ reason: 'too_long', lineBytes: max + 1, offset: max + 1 }]);
  });
});
