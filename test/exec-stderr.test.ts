// Which stderr lines of `runboard exec` count as errors, and the tail kept for a failed run's reason: pure.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STDERR_POLICY,
  parseErrorPattern,
  reasonWithStderr,
  STDERR_TAIL_MAX_BYTES,
  STDERR_TAIL_MAX_LINES,
  StderrTail,
  stderrLineLevel,
} from '../shared/exec-stderr.js';

describe('the default error pattern', () => {
  it.each([
    'ERROR: upload to s3 failed',
    'error connecting to db',
    'Fatal: out of memory',
    'Traceback (most recent call last):',
    'Exception in thread "main" java.lang.NullPointerException',
    '[ERROR] build failed',
    '2026-11-30T01:02:03Z ERROR upload failed',
    '2026-11-30 01:02:03,123 - error - timed out',
    '[2026-11-30 01:02:03] FATAL giving up',
    '01:02:03 error: retry budget exhausted',
    '** FATAL **',
  ])('counts %j as an error', (text) => {
    expect(stderrLineLevel(text, DEFAULT_STDERR_POLICY)).toBe(50);
  });

  it.each([
    'no errors found',
    'retrying after error',
    'errors: 0',
    'uploading 3 files',
    '2026-11-30T01:02:03Z all good, 0 errors',
    'terror',
    '',
  ])('leaves %j a warning', (text) => {
    expect(stderrLineLevel(text, DEFAULT_STDERR_POLICY)).toBe(40);
  });

  it('--stderr-level error makes every line an error; a custom pattern replaces the default', () => {
    expect(stderrLineLevel('anything', { level: 'error', errorPattern: null })).toBe(50);
    const parsed = parseErrorPattern('^E\\d+');
    expect(parsed.ok).toBe(true);
    const policy = { level: 'warn' as const, errorPattern: parsed.ok ? parsed.pattern : null };
    expect(stderrLineLevel('E42 disk failure', policy)).toBe(50);
    expect(stderrLineLevel('ERROR: x', policy)).toBe(40);
  });

  it('a pattern with the global flag gives the same answer every time', () => {
    const policy = { level: 'warn' as const, errorPattern: /fail/gi };
    expect([1, 2, 3].map(() => stderrLineLevel('it did fail', policy))).toEqual([50, 50, 50]);
  });

  it('an invalid pattern is a problem, not an exception', () => {
    const parsed = parseErrorPattern('(');
    expect(parsed.ok).toBe(false);
  });
});

describe('the stderr tail', () => {
  it(`keeps the last ${STDERR_TAIL_MAX_LINES} lines, skipping blank ones`, () => {
    const tail = new StderrTail();
    expect(tail.text()).toBeNull();
    for (let i = 1; i <= 30; i++) tail.push(i % 10 === 0 ? '  ' : `line ${i}`);
    expect(tail.lines).toHaveLength(STDERR_TAIL_MAX_LINES);
    expect(tail.lines.at(-1)).toBe('line 29');
    expect(tail.lines[0]).toBe('line 8');
  });

  it(`keeps at most ${STDERR_TAIL_MAX_BYTES} bytes, the newest ones, and never splits a character`, () => {
    const tail = new StderrTail();
    for (let i = 0; i < 10; i++) tail.push(`${i} ${'x'.repeat(1000)}`);
    expect(Buffer.byteLength(tail.text()!)).toBeLessThanOrEqual(STDERR_TAIL_MAX_BYTES);
    expect(tail.lines.at(-1)!.startsWith('9 ')).toBe(true);
    const wide = new StderrTail();
    wide.push('€'.repeat(3000) + ' the end');
    const text = wide.text()!;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(STDERR_TAIL_MAX_BYTES);
    expect(text.endsWith(' the end')).toBe(true);
    expect(text).not.toContain('\uFFFD');
  });

  it('joins the reason and the tail; no tail leaves the reason as it was', () => {
    expect(reasonWithStderr('exited with code 3', 'boom')).toBe(
      'exited with code 3\n--- last lines on stderr ---\nboom',
    );
    expect(reasonWithStderr('exited with code 3', null)).toBe('exited with code 3');
  });
});
