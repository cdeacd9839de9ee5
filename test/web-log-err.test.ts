// A log line's err, split for the detail panel: type, message, stack and the error's extra properties.
import { describe, expect, it } from 'vitest';
import { splitErr } from '../web/log-err.js';

describe('splitErr', () => {
  it("splits pino's serialized error from the rest of the line's data", () => {
    const data = {
      knvb_id: 'KNVB123',
      err: {
        type: 'FetchError',
        message: 'HTTP 502',
        stack: 'FetchError: HTTP 502\n    at push',
        status: 502,
        url: 'https://x',
      },
    };
    expect(splitErr(data)).toEqual({
      err: {
        type: 'FetchError',
        message: 'HTTP 502',
        stack: 'FetchError: HTTP 502\n    at push',
        extra: { status: 502, url: 'https://x' },
      },
      rest: { knvb_id: 'KNVB123' },
    });
  });

  it('a string err, a line with only err, and lines without one', () => {
    expect(splitErr({ err: 'boom' })).toEqual({
      err: { type: null, message: 'boom', stack: null, extra: null },
      rest: null,
    });
    expect(splitErr({ a: 1 })).toEqual({ err: null, rest: { a: 1 } });
    expect(splitErr(null)).toEqual({ err: null, rest: null });
    expect(splitErr({ err: [1] })).toEqual({ err: null, rest: { err: [1] } });
  });
});
