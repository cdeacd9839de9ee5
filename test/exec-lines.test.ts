// The pure part of `runboard exec`: splitting the child's output into lines (partial, long, invalid UTF-8),
// mapping each to a run-file line, and deciding run.end and the exit code.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EXEC_LINE_OPTIONS,
  LineSplitter,
  mapOutputLine,
  utf8Boundary,
  type OutputLine,
} from '../shared/exec-run-lines.js';
import { execRunEnd } from '../shared/exec-run-outcome.js';
import { parseLine } from '../shared/parse-line.js';
import type { ParsedLine } from '../shared/events.js';

const identity = { run: 'exec-run-1', pipeline: 'people', club: 'rondo' };
const NOW = 1_795_000_000_000;

function text(lines: OutputLine[]): string[] {
  return lines.map((line) => line.bytes.toString('utf8'));
}

function mapped(raw: string | Buffer, source: 'stdout' | 'stderr' = 'stdout'): ParsedLine {
  const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw;
  const result = mapOutputLine({ bytes, truncated: false, lineBytes: bytes.length }, source, identity, NOW);
  if (result.json === null) throw new Error('blank');
  const parsed = parseLine(result.json);
  if (!parsed.ok) throw new Error(parsed.rejection.detail);
  return parsed.line;
}

describe('LineSplitter', () => {
  it('holds a partial line until its newline, across chunks', () => {
    const splitter = new LineSplitter();
    expect(text(splitter.push(Buffer.from('one\ntw')))).toEqual(['one']);
    expect(text(splitter.push(Buffer.from('o')))).toEqual([]);
    expect(text(splitter.push(Buffer.from('\n\nthree\r\nfour')))).toEqual(['two', '', 'three']);
    expect(text(splitter.end())).toEqual(['four']);
    expect(splitter.end()).toEqual([]);
  });

  it('does not alias a chunk that the caller reuses', () => {
    const splitter = new LineSplitter();
    const chunk = Buffer.from('abc');
    splitter.push(chunk);
    chunk.fill(0x7a);
    expect(text(splitter.push(Buffer.from('\n')))).toEqual(['abc']);
  });

  it('caps a long line, keeps its start, and reports its full length', () => {
    const splitter = new LineSplitter(10);
    const lines = [
      ...splitter.push(Buffer.from('0123456')),
      ...splitter.push(Buffer.from('789abcdef')),
      ...splitter.push(Buffer.from('ghij\nshort\n')),
    ];
    expect(lines.map((line) => [line.bytes.toString(), line.truncated, line.lineBytes])).toEqual([
      ['0123456789', true, 20],
      ['short', false, 5],
    ]);
  });

  it('splits a 10 MB line fed in 64 KiB chunks without holding it', () => {
    const splitter = new LineSplitter(1024);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let lines: OutputLine[] = [];
    for (let i = 0; i < 160; i++) lines = lines.concat(splitter.push(chunk));
    lines = lines.concat(splitter.push(Buffer.from('\nnext\n')));
    expect(lines.map((line) => [line.bytes.length, line.truncated, line.lineBytes])).toEqual([
      [1024, true, 160 * 64 * 1024],
      [4, false, 4],
    ]);
  });

  it('does not cut a multi-byte character in half when capping', () => {
    const splitter = new LineSplitter(5);
    const [line] = splitter.push(Buffer.from('abcd€€\n')); // € is 3 bytes: the cap falls inside the first
    expect(line!.bytes.toString()).toBe('abcd');
    expect(utf8Boundary(Buffer.from('ab€'))).toBe(5);
    expect(utf8Boundary(Buffer.from('ab€').subarray(0, 4))).toBe(2);
    expect(utf8Boundary(Buffer.from('a🎉').subarray(0, 4))).toBe(1);
  });
});

describe('mapOutputLine', () => {
  it('--identifier-field copies the named field of error lines to identifier (not of other lines, never over one)', () => {
    const options = { ...DEFAULT_EXEC_LINE_OPTIONS, identifierField: 'email' };
    const map = (fields: Record<string, unknown>) => {
      const bytes = Buffer.from(JSON.stringify(fields));
      const json = mapOutputLine(
        { bytes, truncated: false, lineBytes: bytes.length },
        'stdout',
        identity,
        NOW,
        options,
      ).json!;
      return JSON.parse(json) as Record<string, unknown>;
    };
    expect(map({ level: 50, msg: 'push failed', email: 'a@b.c' }).identifier).toBe('a@b.c');
    expect(map({ level: 30, event: 'error', msg: 'x', email: 7 }).identifier).toBe('7');
    expect(map({ level: 30, msg: 'fine', email: 'a@b.c' }).identifier).toBeUndefined();
    expect(map({ level: 50, msg: 'x', email: 'a@b.c', identifier: 'own' }).identifier).toBe('own');
    expect(map({ level: 50, msg: 'x', email: { nested: true } }).identifier).toBeUndefined();
  });

  it('makes stdout text an info line and stderr text a warn line of the run', () => {
    expect(mapped('hello world')).toMatchObject({
      level: 30,
      time: NOW,
      msg: 'hello world',
      ...identity,
      payload: { event: null },
      data: null,
    });
    expect(mapped('disk almost full', 'stderr')).toMatchObject({ level: 40, data: { stream: 'stderr' } });
  });

  it('skips blank lines', () => {
    expect(
      mapOutputLine({ bytes: Buffer.from('   '), truncated: false, lineBytes: 3 }, 'stdout', identity, NOW),
    ).toEqual({ json: null, text: null, reportedEnd: null });
  });

  it('keeps a JSON object line structured, forcing the run identity', () => {
    const line = mapped(
      JSON.stringify({
        level: 50,
        time: 1_700_000_000_000,
        run: 'its-own',
        pipeline: 'x',
        msg: 'failed',
        event: 'error',
        identifier: 'KNVB1',
        system: 'laposta',
        err: { type: 'Error', message: 'rejected' },
        extra: 1,
      }),
    );
    expect(line).toMatchObject({
      level: 50,
      time: 1_700_000_000_000,
      ...identity,
      payload: { event: 'error', identifier: 'KNVB1', system: 'laposta', message: 'rejected' },
      data: { extra: 1 },
    });
    expect(mapped('{"msg":"no level or time"}', 'stderr')).toMatchObject({ level: 40, time: NOW });
  });

  it("turns the program's own run.start/run.end into info lines and hands back its verdict", () => {
    const raw = JSON.stringify({ level: 50, event: 'run.end', outcome: 'failure', stats: { n: 1 }, reason: 'bad' });
    const result = mapOutputLine(
      { bytes: Buffer.from(raw), truncated: false, lineBytes: raw.length },
      'stdout',
      identity,
      NOW,
    );
    expect(result.reportedEnd).toEqual({ outcome: 'failure', stats: { n: 1 }, exitCode: null, reason: 'bad' });
    const parsed = parseLine(result.json!);
    expect(parsed.ok && parsed.line).toMatchObject({
      level: 30,
      payload: { event: null },
      data: { reportedEvent: 'run.end' },
    });
    expect(mapped('{"level":"info","event":"run.start","trigger":"cron"}')).toMatchObject({
      payload: { event: null },
      data: { reportedEvent: 'run.start', trigger: 'cron' },
    });
  });

  it('keeps JSON the contract would reject, non-object JSON and broken JSON as text', () => {
    expect(mapped('{"event":"bogus","msg":"x"}')).toMatchObject({
      msg: '{"event":"bogus","msg":"x"}',
      payload: { event: null },
    });
    expect(mapped('{"event":"step.end"}')).toMatchObject({ msg: '{"event":"step.end"}' });
    expect(mapped('[1,2,3]').msg).toBe('[1,2,3]');
    expect(mapped('{not json').msg).toBe('{not json');
  });

  it('marks invalid UTF-8 and decodes it leniently', () => {
    const line = mapped(Buffer.from([0x61, 0xff, 0x62]));
    expect(line).toMatchObject({ msg: 'a\uFFFDb', data: { invalidUtf8: true } });
    // Invalid bytes inside a JSON-looking line: kept as text, never parsed as JSON.
    expect(mapped(Buffer.concat([Buffer.from('{"msg":"'), Buffer.from([0xc3]), Buffer.from('"}')])).data).toMatchObject(
      {
        invalidUtf8: true,
      },
    );
  });

  it('marks a truncated line and keeps escaped control characters under the parser limit', () => {
    const bytes = Buffer.from('x'.repeat(100));
    const result = mapOutputLine({ bytes, truncated: true, lineBytes: 5_000_000 }, 'stdout', identity, NOW);
    const parsed = parseLine(result.json!);
    expect(parsed.ok && parsed.line.data).toEqual({ truncated: true, lineBytes: 5_000_000 });
    // 300 KB of NUL bytes escapes to 1.8 MB of JSON: cut to fit rather than rejected at ingest.
    const nul = Buffer.alloc(300_000, 0);
    const big = mapOutputLine({ bytes: nul, truncated: false, lineBytes: nul.length }, 'stdout', identity, NOW);
    expect(Buffer.byteLength(big.json!)).toBeLessThan(1024 * 1024);
    const bigParsed = parseLine(big.json!);
    expect(bigParsed.ok && bigParsed.line.data).toMatchObject({ truncated: true, lineBytes: 300_000 });
  });
});

describe('execRunEnd', () => {
  it('exit 0 is success, with the stats the program reported', () => {
    expect(execRunEnd({ kind: 'exited', code: 0 }, null)).toEqual({
      outcome: 'success',
      exitCode: 0,
      reason: null,
      stats: null,
    });
    expect(
      execRunEnd({ kind: 'exited', code: 0 }, { outcome: 'success', stats: { n: 2 }, exitCode: null, reason: null }),
    ).toMatchObject({ outcome: 'success', stats: { n: 2 } });
  });

  it('exit 0 after the program reported failure is a failure; runboard still exits 0 like the program', () => {
    expect(
      execRunEnd(
        { kind: 'exited', code: 0 },
        { outcome: 'failure', stats: null, exitCode: null, reason: 'sync refused' },
      ),
    ).toEqual({ outcome: 'failure', exitCode: 0, reason: 'sync refused', stats: null });
  });

  it('a non-zero exit is a failure whatever the program reported', () => {
    expect(
      execRunEnd({ kind: 'exited', code: 3 }, { outcome: 'success', stats: null, exitCode: null, reason: null }),
    ).toEqual({ outcome: 'failure', exitCode: 3, reason: 'exited with code 3', stats: null });
  });

  it('a signal is a failure naming it, and exits 128+n', () => {
    expect(execRunEnd({ kind: 'signalled', signal: 'SIGTERM' }, null)).toMatchObject({
      outcome: 'failure',
      exitCode: 143,
      reason: 'killed by SIGTERM',
    });
    expect(execRunEnd({ kind: 'signalled', signal: 'SIGKILL' }, null).exitCode).toBe(137);
  });

  it('a command that cannot start exits 127 (not found) or 126 (not executable)', () => {
    expect(execRunEnd({ kind: 'spawn-failed', message: 'spawn nope ENOENT', errno: 'ENOENT' }, null)).toMatchObject({
      outcome: 'failure',
      exitCode: 127,
    });
    expect(execRunEnd({ kind: 'spawn-failed', message: 'EACCES', errno: 'EACCES' }, null).exitCode).toBe(126);
  });
});
