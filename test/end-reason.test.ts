// The end reason's stderr tail: written by exec, found again by the run page, by the same marker.
import { describe, expect, it } from 'vitest';
import { joinStderrTail, splitEndReason } from '../shared/end-reason.js';
import { reasonWithStderr } from '../shared/exec-stderr.js';

describe('end reason with a stderr tail', () => {
  it('round-trips what exec writes: headline, then the tail with its newlines', () => {
    const reason = reasonWithStderr('exited with code 3', 'uploading\nERROR: upload to s3 failed');
    expect(reason).toBe('exited with code 3\n--- last lines on stderr ---\nuploading\nERROR: upload to s3 failed');
    expect(splitEndReason(reason!)).toEqual({
      headline: 'exited with code 3',
      details: null,
      stderrTail: 'uploading\nERROR: upload to s3 failed',
    });
  });

  it('a reason without the marker comes back whole, its first line as the headline', () => {
    expect(splitEndReason('killed by SIGTERM')).toEqual({
      headline: 'killed by SIGTERM',
      details: null,
      stderrTail: null,
    });
    expect(splitEndReason('uncaught exception: boom\n    at x.js:1')).toEqual({
      headline: 'uncaught exception: boom',
      details: '    at x.js:1',
      stderrTail: null,
    });
  });

  it('splits at the first marker: a tail that prints the marker itself keeps it as text', () => {
    const tail = 'a\n--- last lines on stderr ---\nb';
    expect(splitEndReason(joinStderrTail('exited with code 1', tail)!).stderrTail).toBe(tail);
  });

  it('a multi-line reason keeps its middle lines as details; no reason at all reads "failed"', () => {
    expect(splitEndReason(joinStderrTail('exited with code 2\nwhile uploading', 'x')!)).toEqual({
      headline: 'exited with code 2',
      details: 'while uploading',
      stderrTail: 'x',
    });
    expect(joinStderrTail(null, 'x')).toBe('failed\n--- last lines on stderr ---\nx');
    expect(joinStderrTail('exited with code 1', null)).toBe('exited with code 1');
  });

  it('the marker only counts on a line of its own', () => {
    const reason = 'exited with code 1 --- last lines on stderr --- nope';
    expect(splitEndReason(reason)).toEqual({ headline: reason, details: null, stderrTail: null });
  });
});
