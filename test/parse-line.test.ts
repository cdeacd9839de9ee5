// The wire format: every event kind parses to its typed payload, every rejection reason is reachable, and no
// input (10 MB, invalid UTF-8, junk) makes the parser throw.
import { describe, expect, it } from 'vitest';
import { seededRandom } from './support/seeded-random.js';
import { parseLine } from '../shared/parse-line.js';
import { REJECT_REASONS, type ParsedLine, type RejectReason } from '../shared/events.js';

const base = {
  time: 1_795_000_000_000,
  level: 30,
  pid: 42,
  hostname: 'box',
  run: 'r1',
  pipeline: 'people',
  club: 'rondo',
};

function ok(input: string | Uint8Array): ParsedLine {
  const result = parseLine(input);
  if (!result.ok) throw new Error(`rejected: ${result.rejection.reason} ${result.rejection.detail}`);
  return result.line;
}

function rejected(input: string | Uint8Array, maxLineBytes?: number): RejectReason {
  const result = parseLine(input, { maxLineBytes });
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.line)}`);
  expect(result.rejection.detail).not.toBe('');
  return result.rejection.reason;
}

const line = (fields: Record<string, unknown>): string => JSON.stringify({ ...base, ...fields });

describe('parseLine: events', () => {
  it('reads a plain log line with its common fields and keeps the rest as data', () => {
    const parsed = ok(line({ msg: 'downloading members', batch: 3, nested: { a: [1, 2] } }));
    expect(parsed).toMatchObject({
      time: base.time,
      level: 30,
      msg: 'downloading members',
      run: 'r1',
      pipeline: 'people',
      club: 'rondo',
      pid: 42,
      hostname: 'box',
      step: null,
      err: null,
      payload: { event: null },
    });
    expect(parsed.data).toEqual({ batch: 3, nested: { a: [1, 2] } });
  });

  it('leaves data null when a line has only fields runboard reads', () => {
    expect(ok(line({ msg: 'x' })).data).toBeNull();
  });

  it('run.start with and without a trigger', () => {
    expect(ok(line({ event: 'run.start', trigger: 'cron' })).payload).toEqual({ event: 'run.start', trigger: 'cron' });
    expect(ok(line({ event: 'run.start' })).payload).toEqual({ event: 'run.start', trigger: null });
  });

  it('step.start needs a step', () => {
    expect(ok(line({ event: 'step.start', step: 'download' })).payload).toEqual({
      event: 'step.start',
      step: 'download',
    });
  });

  it('step.progress with and without total', () => {
    expect(ok(line({ event: 'step.progress', step: 's', done: 5, total: 10 })).payload).toEqual({
      event: 'step.progress',
      step: 's',
      done: 5,
      total: 10,
      counts: null,
    });
    expect(ok(line({ event: 'step.progress', step: 's', done: 5 })).payload).toMatchObject({ total: null });
  });

  it('step.progress with counts (live counts), with or without done; counts do not land in data', () => {
    const both = ok(line({ event: 'step.progress', step: 's', done: 5, total: 10, counts: { created: 2, failed: 1 } }));
    expect(both.payload).toEqual({
      event: 'step.progress',
      step: 's',
      done: 5,
      total: 10,
      counts: { created: 2, failed: 1 },
    });
    expect(both.data).toBeNull();
    expect(ok(line({ event: 'step.progress', step: 's', counts: { updated: 43 } })).payload).toEqual({
      event: 'step.progress',
      step: 's',
      done: null,
      total: null,
      counts: { updated: 43 },
    });
    // An empty counts object still says "nothing counted yet", which is a report.
    expect(ok(line({ event: 'step.progress', step: 's', counts: {} })).payload).toMatchObject({ counts: {} });
    expect(ok(line({ event: 'step.progress', step: 's', done: 1, counts: null })).payload).toMatchObject({
      counts: null,
    });
  });

  it('step.end with outcome, counts, stats and duration; the event fields do not land in data', () => {
    const parsed = ok(
      line({
        event: 'step.end',
        step: 'submit',
        outcome: 'failure',
        counts: { created: 2, updated: 43, failed: 1 },
        stats: { batches: [1, 2] },
        durationMs: 1234,
        extra: true,
      }),
    );
    expect(parsed.payload).toEqual({
      event: 'step.end',
      step: 'submit',
      outcome: 'failure',
      counts: { created: 2, updated: 43, failed: 1 },
      stats: { batches: [1, 2] },
      durationMs: 1234,
    });
    expect(parsed.data).toEqual({ extra: true });
    for (const outcome of ['success', 'skipped']) {
      expect(ok(line({ event: 'step.end', step: 's', outcome })).payload).toMatchObject({ outcome, counts: {} });
    }
  });

  it('error takes its message from err, else msg; identifiers may be numbers', () => {
    const withErr = ok(
      line({
        level: 50,
        event: 'error',
        step: 'submit',
        identifier: 'KNVB123',
        system: 'laposta',
        err: { type: 'Error', message: 'address rejected', stack: 'Error: address rejected\n    at x' },
        msg: 'submit failed',
      }),
    );
    expect(withErr.payload).toEqual({
      event: 'error',
      step: 'submit',
      identifier: 'KNVB123',
      system: 'laposta',
      message: 'address rejected',
      stack: 'Error: address rejected\n    at x',
    });
    expect(withErr.err).toEqual({
      type: 'Error',
      message: 'address rejected',
      stack: 'Error: address rejected\n    at x',
    });
    expect(ok(line({ event: 'error', identifier: 1069, msg: 'no email' })).payload).toEqual({
      event: 'error',
      step: null,
      identifier: '1069',
      system: null,
      message: 'no email',
      stack: null,
    });
    // A thrown plain object serializes to an err without message: the msg must still show.
    expect(ok(line({ event: 'error', err: { code: 7 }, msg: 'code 7' })).payload).toMatchObject({ message: 'code 7' });
    expect(ok(line({ event: 'error' })).payload).toMatchObject({ message: 'error' });
  });

  it('run.end with outcome, stats, exit code and reason', () => {
    expect(
      ok(line({ event: 'run.end', outcome: 'failure', stats: { n: 1 }, exitCode: 143, reason: 'received SIGTERM' }))
        .payload,
    ).toEqual({ event: 'run.end', outcome: 'failure', stats: { n: 1 }, exitCode: 143, reason: 'received SIGTERM' });
    expect(ok(line({ event: 'run.end', outcome: 'success' })).payload).toEqual({
      event: 'run.end',
      outcome: 'success',
      stats: null,
      exitCode: null,
      reason: null,
    });
  });

  it('reads level labels, ISO times, message instead of msg, and the step of a bound child logger', () => {
    const parsed = ok(
      JSON.stringify({ level: 'warn', time: '2026-11-23T15:27:38.123Z', message: 'slow', step: 'download' }),
    );
    expect(parsed).toMatchObject({
      level: 40,
      time: Date.UTC(2026, 10, 23, 15, 27, 38, 123),
      msg: 'slow',
      step: 'download',
      run: null,
      pipeline: null,
      club: null,
      payload: { event: null },
    });
  });

  it('takes a numeric time that can only be seconds (pino unixTime) as seconds', () => {
    expect(ok(JSON.stringify({ time: 1_795_000_000 })).time).toBe(1_795_000_000_000);
  });

  it("rounds fractional times, levels, durations and progress to whole numbers (Python's time.time() * 1000)", () => {
    expect(ok('{"level":30,"time":1764400000123.456,"msg":"hello"}').time).toBe(1764400000123);
    expect(ok('{"time":1764400000.5}').time).toBe(1764400000500);
    expect(ok('{"level":35.6}').level).toBe(36);
    expect(ok(line({ event: 'step.end', step: 's', outcome: 'success', durationMs: 1.5 })).payload).toMatchObject({
      durationMs: 2,
    });
    expect(ok(line({ event: 'step.progress', step: 's', done: 2.4, total: 9.5 })).payload).toMatchObject({
      done: 2,
      total: 10,
    });
  });

  it('keeps an implausible duration on the line, says why, and does not use it', () => {
    for (const durationMs of [1e300, -5]) {
      const parsed = ok(line({ event: 'step.end', step: 's', outcome: 'success', durationMs }));
      expect(parsed.payload).toMatchObject({ durationMs: null });
      const notes = parsed.data?._runboard as { durationMs: { value: number; why: string } };
      expect(notes.durationMs.value).toBe(durationMs);
      expect(notes.durationMs.why).toContain('not a duration');
    }
  });

  it('defaults a missing level to info and a missing time to null', () => {
    expect(ok('{"msg":"bare"}')).toMatchObject({ level: 30, time: null, msg: 'bare' });
  });

  it('accepts bytes, a trailing CR, and non-ASCII text', () => {
    const parsed = ok(new TextEncoder().encode(line({ msg: 'Zoë — 東京 🎉' }) + '\r'));
    expect(parsed.msg).toBe('Zoë — 東京 🎉');
  });
});

describe('parseLine: rejections', () => {
  it('invalid JSON', () => {
    expect(rejected('{"msg": "unterminated')).toBe('invalid_json');
    expect(rejected('not json at all')).toBe('invalid_json');
    expect(rejected('')).toBe('invalid_json');
  });

  it('JSON that is not an object', () => {
    for (const value of ['[1,2]', '"text"', '42', 'null', 'true']) expect(rejected(value)).toBe('not_object');
  });

  it('unknown event values', () => {
    expect(rejected(line({ event: 'run.restart' }))).toBe('unknown_event');
    expect(rejected(line({ event: 7 }))).toBe('unknown_event');
  });

  it.each([
    ['time that is neither ms nor ISO', { time: 'yesterday' }],
    ['unknown level label', { level: 'loud' }],
    ['object msg', { msg: { text: 'x' } }],
    ['empty run id', { run: '' }],
    ['non-integer pid', { pid: 1.5 }],
    ['err that is not an object', { err: [1] }],
    ['step.start without step', { event: 'step.start' }],
    ['step.progress without done or counts', { event: 'step.progress', step: 's' }],
    ['step.progress with only a null counts', { event: 'step.progress', step: 's', counts: null }],
    ['step.progress with negative counts', { event: 'step.progress', step: 's', done: 1, counts: { created: -1 } }],
    ['step.progress with fractional counts', { event: 'step.progress', step: 's', counts: { updated: 0.5 } }],
    ['step.progress with text counts', { event: 'step.progress', step: 's', counts: { failed: '3' } }],
    ['step.progress with counts that are not an object', { event: 'step.progress', step: 's', counts: [1] }],
    ['step.progress with a text total', { event: 'step.progress', step: 's', done: 1, total: 'ten' }],
    ['step.end without outcome', { event: 'step.end', step: 's' }],
    ['step.end with an unknown outcome', { event: 'step.end', step: 's', outcome: 'meh' }],
    ['step.end with negative counts', { event: 'step.end', step: 's', outcome: 'success', counts: { created: -1 } }],
    ['step.end with fractional counts', { event: 'step.end', step: 's', outcome: 'success', counts: { failed: 1.5 } }],
    ['step.end with counts that are not an object', { event: 'step.end', step: 's', outcome: 'success', counts: 3 }],
    ['run.end with the skipped outcome', { event: 'run.end', outcome: 'skipped' }],
    ['run.end with a text exit code', { event: 'run.end', outcome: 'failure', exitCode: '1' }],
    ['run.end with an exit code beyond 2^53', { event: 'run.end', outcome: 'failure', exitCode: 1e300 }],
    [
      'step.end with counts beyond 2^53',
      { event: 'step.end', step: 's', outcome: 'success', counts: { created: 1e300 } },
    ],
    ['a level beyond 2^53', { level: 1e300 }],
    ['step.progress beyond 2^53', { event: 'step.progress', step: 's', done: 1e300 }],
    ['a text duration', { event: 'step.end', step: 's', outcome: 'success', durationMs: 'slow' }],
    ['error with an object identifier', { event: 'error', identifier: { id: 1 } }],
  ])('a bad field: %s', (_name, fields) => {
    expect(rejected(line(fields))).toBe('bad_field');
  });

  it('a line nested deeper than the limit (in its data or its stats), however deep, without overflowing the stack', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(rejected(`{"msg":"x","payload":${nested(5000)}}`)).toBe('too_deep');
    expect(rejected(`{"msg":"x","payload":${nested(500_000)}}`)).toBe('too_deep');
    expect(rejected(`{"event":"step.end","step":"s","outcome":"success","stats":${nested(100)}}`)).toBe('too_deep');
    // The line object is level 1: 63 more levels fit under the default of 64.
    expect(ok(`{"payload":${nested(63)}}`).data).toHaveProperty('payload');
    expect(rejected(`{"payload":${nested(64)}}`)).toBe('too_deep');
    const deepObject = `{"a":${'{"b":'.repeat(70)}1${'}'.repeat(70)}}`;
    expect(rejected(deepObject)).toBe('too_deep');
    const result = parseLine(deepObject, { maxDepth: 100 });
    expect(result.ok).toBe(true);
  });

  it('a line over the limit, as bytes and as a string, including a 10 MB line', () => {
    const tenMb = line({ msg: 'x'.repeat(10 * 1024 * 1024) });
    expect(rejected(tenMb)).toBe('too_long');
    expect(rejected(Buffer.from(tenMb))).toBe('too_long');
    // Multi-byte characters count as bytes, not UTF-16 units.
    const wide = line({ msg: '€'.repeat(400) });
    expect(rejected(wide, 1000)).toBe('too_long');
    expect(parseLine(wide, { maxLineBytes: 2000 }).ok).toBe(true);
  });

  it('invalid UTF-8 bytes', () => {
    const good = Buffer.from(line({ msg: 'ok' }));
    const lone = Buffer.concat([good.subarray(0, 20), Buffer.from([0xff]), good.subarray(20)]);
    expect(rejected(lone)).toBe('invalid_utf8');
    const truncatedSequence = Buffer.concat([Buffer.from('{"msg":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]);
    expect(rejected(truncatedSequence)).toBe('invalid_utf8');
    const overlong = Buffer.concat([Buffer.from('{"msg":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
    expect(rejected(overlong)).toBe('invalid_utf8');
  });

  it('reaches every rejection reason the contract lists', () => {
    const reached = new Set<RejectReason>([
      rejected('{'),
      rejected('[]'),
      rejected(line({ pid: 'x' })),
      rejected(line({ event: 'nope' })),
      rejected('{"msg":"long"}', 4),
      rejected(Buffer.from([0x7b, 0xff, 0x7d])),
      rejected(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`),
    ]);
    expect([...reached].sort()).toEqual([...REJECT_REASONS].sort());
  });

  it('never throws on random bytes or random strings (seeded; replay with PARSE_FUZZ_SEED)', () => {
    const seed = Number(process.env.PARSE_FUZZ_SEED ?? Date.now() % 1_000_000);
    console.log(`parse-line fuzz seed: PARSE_FUZZ_SEED=${seed}`);
    const next = seededRandom(seed);
    const fragments = [
      '{',
      '}',
      '"event":',
      '"run.end"',
      '"level":',
      '"time":',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      '1',
      'null',
    ];
    try {
      for (let i = 0; i < 2000; i++) {
        const bytes = Uint8Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256));
        expect(() => parseLine(bytes)).not.toThrow();
        const text = Array.from(
          { length: Math.floor(next() * 12) },
          () => fragments[Math.floor(next() * fragments.length)],
        ).join('');
        const result = parseLine(text);
        expect(typeof result.ok).toBe('boolean');
      }
    } catch (error) {
      throw new Error(`fuzz failed with PARSE_FUZZ_SEED=${seed}: ${String(error)}`, { cause: error });
    }
  });
});
