// `runboard tail` never lets a control sequence from a run reach the terminal: every C0/C1 control character and
// ESC in messages, step names and data is printed visibly, in pretty and in --json output alike.
import { describe, expect, it } from 'vitest';
import type { LogLineView } from '../shared/api.js';
import { escapeControls, terminalSafeJson } from '../app/tail/escape.js';
import { formatLine, summaryText } from '../app/tail/format.js';

/** Any character a terminal may act on: C0, DEL, C1. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the test
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const ALL_CONTROLS =
  Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('') +
  '\u007f' +
  Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i)).join('');
const HOSTILE = `clear\u001b[2J\u001b]52;c;aGk=\u0007 csi\u009b31m bell\u0007 nul\u0000 cr\r nl\n tab\t del\u007f`;

function line(overrides: Partial<LogLineView>): LogLineView {
  return {
    id: 1,
    runId: 7,
    offset: 0,
    time: Date.UTC(2026, 10, 30, 14, 3, 22, 120),
    level: 30,
    event: null,
    step: null,
    msg: 'x',
    data: null,
    ...overrides,
  };
}

describe('escapeControls', () => {
  it('writes every C0, DEL and C1 character visibly and keeps the rest', () => {
    const escaped = escapeControls(ALL_CONTROLS);
    expect(escaped).not.toMatch(RAW_CONTROL);
    expect(escapeControls('a\nb\tc\rd\u001be\u009bf')).toBe('a\\nb\\tc\\rd\\x1be\\x9bf');
    expect(escapeControls('plain – ünïcode ✓ 漢字')).toBe('plain – ünïcode ✓ 漢字');
  });
});

describe('terminalSafeJson', () => {
  it('escapes DEL and C1 too (JSON.stringify leaves them raw) and still parses to the same value', () => {
    const value = { msg: HOSTILE, all: ALL_CONTROLS, nested: [{ [`k\u009bey`]: '\u0085' }] };
    expect(JSON.stringify(value)).toMatch(RAW_CONTROL);
    const text = terminalSafeJson(value);
    expect(text).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('formatLine with hostile text', () => {
  it('escapes the message, the step name, the data and the stack, with or without colours', () => {
    const hostile = line({
      level: 50,
      step: `step${HOSTILE}`,
      msg: HOSTILE,
      data: { [`key${HOSTILE}`]: HOSTILE, err: { message: HOSTILE, stack: `Error: x\n    at ${HOSTILE}` } },
    });
    for (const color of [false, true]) {
      const text = formatLine(
        hostile,
        { run: { id: 7, club: `c${HOSTILE}`, pipeline: `p${HOSTILE}` } },
        { color, utc: true },
      );
      // Colours add ESC only as the formatter's own SGR codes; nothing else may remain.
      // eslint-disable-next-line no-control-regex -- the formatter's own SGR codes
      const withoutOwnCodes = text.replace(/\u001b\[[0-9;]*m/g, '');
      const lines = withoutOwnCodes.split('\n');
      for (const printed of lines) expect(printed).not.toMatch(RAW_CONTROL);
      expect(withoutOwnCodes).toContain('clear\\x1b[2J\\x1b]52;c;aGk=\\x07 csi\\x9b31m');
    }
  });

  it('escapes step names in headers and run names and reasons in the summary', () => {
    const header = formatLine(
      line({ event: 'step.start', step: `dl\u001b[2J`, msg: 'step started' }),
      { run: { id: 7, club: 'c', pipeline: 'p' } },
      { color: false, utc: true },
    );
    expect(header).toBe('[14:03:22.120] [c/p #7] ── step dl\\x1b[2J started ──');
    const summary = summaryText({
      id: 7,
      runKey: 'k',
      club: 'c\u009b',
      pipeline: 'p',
      trigger: null,
      status: 'failure',
      startedAt: 0,
      finishedAt: 1,
      durationMs: 1,
      counts: { created: 0, updated: 0, skipped: 0, failed: 0 },
      errorCount: 0,
      logCount: 1,
      host: null,
      pid: null,
      exitCode: 3,
      endReason: `exit 3\u001b]0;title\u0007`,
      summary: null,
      lastEventAt: 1,
    });
    expect(summary).not.toMatch(RAW_CONTROL);
    expect(summary).toContain('exit 3\\x1b]0;title\\x07');
  });
});
