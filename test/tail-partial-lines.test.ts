// A partial line is not ingested until its newline arrives; then exactly once — at any byte where a write may stop.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { FileTailer, ScratchBuffer, type TailItem } from '../ingest/tailer.js';
import {
  append,
  committedOffset,
  line,
  logsOf,
  runByKey,
  runFile,
  startDaemon,
  waitFor,
  ingestIt as it,
} from './fixtures/ingest-harness.js';
import { seededRandom } from './support/seeded-random.js';

describe('daemon', () => {
  it('holds a partial line until its newline, then ingests it exactly once', async ({ world }) => {
    const file = runFile(world, 'club', 'pipe', 'partial');
    await startDaemon(world);
    const first = line({ msg: 'complete' });
    const second = line({ msg: 'split in two' });
    append(file, first + second.slice(0, 15));
    const run = await waitFor('first line', () => runByKey(world.db, 'partial'));
    await waitFor('first line committed', () => logsOf(world.db, run.id).length === 1);
    // The daemon has read the partial bytes (they came in the same write) and must not have stored them.
    expect(committedOffset(world.db, 'club/pipe/partial.ndjson')).toBe(Buffer.byteLength(first));
    expect(logsOf(world.db, run.id).map((l) => l.msg)).toEqual(['complete']);

    append(file, second.slice(15));
    await waitFor('second line', () => logsOf(world.db, run.id).length === 2);
    append(file, line({ msg: 'third' }));
    await waitFor('third line', () => logsOf(world.db, run.id).length === 3);
    const logs = logsOf(world.db, run.id);
    expect(logs.map((l) => l.msg)).toEqual(['complete', 'split in two', 'third']);
    expect(logs.map((l) => l.offset)).toEqual([0, Buffer.byteLength(first), Buffer.byteLength(first + second)]);
    expect(runByKey(world.db, 'partial')!.logCount).toBe(3);
  });

  it('a partial line still waiting when the daemon stops is read after a restart', async ({ world }) => {
    const file = runFile(world, 'club', 'pipe', 'restart');
    const running = await startDaemon(world);
    const a = line({ msg: 'a' });
    const b = line({ msg: 'b' });
    append(file, a + b.slice(0, 5));
    await waitFor('a', () => runByKey(world.db, 'restart')?.logCount === 1);
    await running.daemon.stop();
    append(file, b.slice(5));
    await startDaemon(world);
    // start() resolves after catch-up: no waiting needed.
    const run = runByKey(world.db, 'restart')!;
    expect(logsOf(world.db, run.id).map((l) => l.msg)).toEqual(['a', 'b']);
    expect(committedOffset(world.db, 'club/pipe/restart.ndjson')).toBe(Buffer.byteLength(a + b));
  });
});

describe('tailer', () => {
  it('yields every line exactly once whatever the byte boundaries of the writes (seeded)', ({ world }) => {
    const seed = Number(process.env.RUNBOARD_TAIL_SEED ?? Date.now() % 1_000_000);
    console.log(`tail-partial-lines seed=${seed} (replay: RUNBOARD_TAIL_SEED=${seed})`);
    const random = seededRandom(seed);
    const expected: string[] = [];
    for (let i = 0; i < 3000; i++) {
      // Multi-byte characters so that writes also stop inside a UTF-8 sequence.
      expected.push(JSON.stringify({ n: i, msg: `línea ${i} ✓ ${'x'.repeat(Math.floor(random() * 300))}` }));
    }
    const content = Buffer.from(expected.map((l) => l + '\n').join(''));
    const path = join(world.dir, 'split.ndjson');
    const writer = openSync(path, 'w');
    const reader = openSync(path, 'r');
    // A small maximum so the scratch buffer is small too and wraps often.
    const tailer = new FileTailer(reader, 0, new ScratchBuffer(64 * 1024), 50);
    const got: TailItem[] = [];
    let written = 0;
    while (written < content.length) {
      const size = Math.min(content.length - written, 1 + Math.floor(random() * (random() < 0.1 ? 200_000 : 700)));
      writeSync(writer, content, written, size);
      written += size;
      for (;;) {
        const pass = tailer.readPass(written);
        got.push(...pass.items);
        if (pass.items.length > 0) tailer.commit(pass.endOffset);
        if (!pass.more) break;
      }
    }
    closeSync(writer);
    tailer.close();
    expect(got.every((item) => item.kind === 'text')).toBe(true);
    expect(got.map((item) => (item.kind === 'text' ? item.text : ''))).toEqual(expected);
    let offset = 0;
    for (const item of got) {
      expect(item.offset).toBe(offset);
      offset += item.lineBytes + 1;
    }
    expect(tailer.committedOffset).toBe(content.length);
  });

  it('after a failed commit, rewinding reads the same lines again from the committed offset', ({ world }) => {
    const path = join(world.dir, 'rewind.ndjson');
    const writer = openSync(path, 'w');
    writeSync(writer, 'one\ntwo\nthr');
    const tailer = new FileTailer(openSync(path, 'r'), 0, new ScratchBuffer(1024), 100);
    const first = tailer.readPass(12);
    expect(first.items.map((i) => (i.kind === 'text' ? i.text : '?'))).toEqual(['one', 'two']);
    tailer.rewind();
    writeSync(writer, 'ee\n');
    const again = tailer.readPass(15);
    expect(again.items.map((i) => (i.kind === 'text' ? i.text : '?'))).toEqual(['one', 'two', 'three']);
    closeSync(writer);
    tailer.close();
  });
});
