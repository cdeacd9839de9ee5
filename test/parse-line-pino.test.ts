// Pipelines configure pino in a few common ways; lines written by real pino to a real file must all parse, with
// levels, times, messages and errors read the same whichever way was chosen.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLine } from '../shared/parse-line.js';
import type { ParsedLine } from '../shared/events.js';

const dir = mkdtempSync(join(tmpdir(), 'runboard-pino-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** Logs with a real pino logger to a real file and parses every line of it. */
function writeAndParse(options: pino.LoggerOptions, log: (logger: pino.Logger) => void): ParsedLine[] {
  const file = join(dir, `case-${++fileCount}.ndjson`);
  const destination = pino.destination({ dest: file, sync: true, mkdir: true });
  const logger = pino(options, destination);
  log(logger);
  destination.end();
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const result = parseLine(line);
      if (!result.ok) throw new Error(`${result.rejection.reason}: ${result.rejection.detail} in ${line}`);
      return result.line;
    });
}

function logSample(logger: pino.Logger): void {
  const bound = logger.child({ run: 'r1', pipeline: 'people', club: 'rondo' });
  bound.info({ members: 1069 }, 'downloaded');
  bound.warn('slow response');
  bound.info({ event: 'step.progress', step: 'download', done: 5, total: 10 });
  bound.error({ err: new TypeError('bad member'), event: 'error', identifier: 'KNVB1', system: 'laposta' }, 'failed');
  bound.error(new RangeError('out of range'));
  bound.fatal({ event: 'run.end', outcome: 'failure', exitCode: 1 }, 'giving up');
}

function expectSample(lines: ParsedLine[], before: number, after: number): void {
  expect(lines.map((line) => line.level)).toEqual([30, 40, 30, 50, 50, 60]);
  for (const line of lines) {
    expect(line.time).not.toBeNull();
    expect(line.time!).toBeGreaterThanOrEqual(before - 1000);
    expect(line.time!).toBeLessThanOrEqual(after + 1000);
    expect(line).toMatchObject({ run: 'r1', pipeline: 'people', club: 'rondo' });
  }
  const [downloaded, slow, progress, failed, thrown, end] = lines as [
    ParsedLine,
    ParsedLine,
    ParsedLine,
    ParsedLine,
    ParsedLine,
    ParsedLine,
  ];
  expect(downloaded.msg).toBe('downloaded');
  expect(downloaded.data).toEqual({ members: 1069 });
  expect(slow.msg).toBe('slow response');
  expect(progress.payload).toEqual({ event: 'step.progress', step: 'download', done: 5, total: 10, counts: null });
  expect(failed.payload).toMatchObject({
    event: 'error',
    identifier: 'KNVB1',
    system: 'laposta',
    message: 'bad member',
  });
  expect(failed.err).toMatchObject({ type: 'TypeError', message: 'bad member' });
  expect(failed.err?.stack).toContain('TypeError: bad member');
  expect(failed.msg).toBe('failed');
  // pino.error(err): the error under `err`, its message as msg.
  expect(thrown.err).toMatchObject({ type: 'RangeError', message: 'out of range' });
  expect(thrown.msg).toBe('out of range');
  expect(thrown.payload.event).toBeNull();
  expect(end.payload).toMatchObject({ event: 'run.end', outcome: 'failure', exitCode: 1 });
}

describe('lines written by real pino parse', () => {
  it('with defaults: numeric levels, epoch ms time, pid and hostname', () => {
    const before = Date.now();
    const lines = writeAndParse({}, logSample);
    expectSample(lines, before, Date.now());
    expect(lines[0]!.pid).toBe(process.pid);
    expect(typeof lines[0]!.hostname).toBe('string');
  });

  it('with timestamp: pino.stdTimeFunctions.isoTime', () => {
    const before = Date.now();
    expectSample(writeAndParse({ timestamp: pino.stdTimeFunctions.isoTime }, logSample), before, Date.now());
  });

  it('with timestamp: pino.stdTimeFunctions.isoTimeNano', () => {
    const before = Date.now();
    expectSample(writeAndParse({ timestamp: pino.stdTimeFunctions.isoTimeNano }, logSample), before, Date.now());
  });

  it('with timestamp: pino.stdTimeFunctions.unixTime (seconds)', () => {
    const before = Date.now();
    expectSample(writeAndParse({ timestamp: pino.stdTimeFunctions.unixTime }, logSample), before, Date.now());
  });

  it('with formatters.level writing labels', () => {
    const before = Date.now();
    const lines = writeAndParse({ formatters: { level: (label) => ({ level: label }) } }, logSample);
    expectSample(lines, before, Date.now());
  });

  it("with messageKey: 'message'", () => {
    const before = Date.now();
    expectSample(writeAndParse({ messageKey: 'message' }, logSample), before, Date.now());
  });

  it('with everything at once, base: null and a redact list', () => {
    const before = Date.now();
    const lines = writeAndParse(
      {
        base: null,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        messageKey: 'message',
        redact: ['password'],
      },
      (logger) => {
        logSample(logger);
        logger.child({ run: 'r1', pipeline: 'people', club: 'rondo' }).info({ password: 'hunter2' }, 'login');
      },
    );
    expectSample(lines.slice(0, 6), before, Date.now());
    expect(lines[0]!.pid).toBeNull();
    expect(lines[6]!.data).toEqual({ password: '[Redacted]' });
  });

  it('through pino.multistream with per-stream levels', () => {
    const file = join(dir, 'multi.ndjson');
    const destination = pino.destination({ dest: file, sync: true });
    const logger = pino({ level: 'debug' }, pino.multistream([{ level: 'debug', stream: destination }]));
    logger.debug({ run: 'r2' }, 'detail');
    destination.end();
    const [line] = readFileSync(file, 'utf8').trim().split('\n');
    const result = parseLine(line!);
    expect(result.ok && result.line).toMatchObject({ level: 20, msg: 'detail', run: 'r2' });
  });
});
