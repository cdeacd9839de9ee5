import { describe, expect, it } from 'vitest';
import type { LogLineView, LogsResponse } from '../shared/api.js';
import {
  EMPTY_BUFFER,
  addGap,
  appendLive,
  appendNewer,
  bufferFromPage,
  fillGap,
  firstLineOffset,
  indexAtOrAfter,
  indexOfOffset,
  lastLineOffset,
  lineCount,
  prependOlder,
  type LogBuffer,
} from '../web/log-buffer.js';
import { NO_FILTER, filterParams, isFiltered, lineMatches, sameFilter, type LogFilter } from '../web/log-filter.js';

function line(offset: number, extra: Partial<LogLineView> = {}): LogLineView {
  return {
    id: offset + 1,
    runId: 1,
    offset,
    time: 1_700_000_000_000 + offset,
    level: 30,
    event: null,
    step: null,
    msg: `line at ${offset}`,
    data: null,
    ...extra,
  };
}

const page = (offsets: number[], hasOlder = false, hasNewer = false): LogsResponse => ({
  lines: offsets.map((o) => line(o)),
  hasOlder,
  hasNewer,
});

const offsets = (buffer: LogBuffer) =>
  buffer.rows.map((r) => (r.kind === 'line' ? r.line.offset : `gap(${r.afterOffset},${r.beforeOffset})`));
const all = () => true;

describe('log buffer', () => {
  it('starts from a page, sorted, without duplicates', () => {
    const buffer = bufferFromPage(page([300, 100, 200, 200], true, false));
    expect(offsets(buffer)).toEqual([100, 200, 300]);
    expect(buffer.hasOlder).toBe(true);
    expect(firstLineOffset(buffer)).toBe(100);
    expect(lastLineOffset(buffer)).toBe(300);
  });

  it('prepends older pages and reports how many rows went above', () => {
    const start = bufferFromPage(page([300, 400], true));
    const { buffer, added } = prependOlder(start, page([100, 200, 300], false));
    expect(offsets(buffer)).toEqual([100, 200, 300, 400]);
    expect(added).toBe(2);
    expect(buffer.hasOlder).toBe(false);
  });

  it('appends live lines at the live end and drops replays (reconnect) silently', () => {
    let buffer = bufferFromPage(page([100, 200]));
    let result = appendLive(buffer, [line(200), line(300), line(400)], all);
    expect(result.appended).toBe(2);
    buffer = result.buffer;
    result = appendLive(buffer, [line(300), line(400)], all);
    expect(result.appended).toBe(0);
    expect(offsets(result.buffer)).toEqual([100, 200, 300, 400]);
  });

  it('inserts a late line in order rather than at the end', () => {
    const buffer = bufferFromPage(page([100, 300]));
    const { buffer: next } = appendLive(buffer, [line(200)], all);
    expect(offsets(next)).toEqual([100, 200, 300]);
  });

  it('does not append live lines when the buffer is away from the live end, but counts them', () => {
    const buffer = bufferFromPage(page([100, 200], false, true));
    const result = appendLive(buffer, [line(900), line(1000)], all);
    expect(result.appended).toBe(0);
    expect(result.missed).toBe(2);
    expect(offsets(result.buffer)).toEqual([100, 200]);
  });

  it('applies the filter to live lines', () => {
    const buffer = bufferFromPage(page([100]));
    const result = appendLive(buffer, [line(200, { level: 50 }), line(300, { level: 30 })], (l) => l.level >= 50);
    expect(offsets(result.buffer)).toEqual([100, 200]);
  });

  it('catches up with newer REST pages until the live end', () => {
    let buffer = bufferFromPage(page([100], false, true));
    buffer = appendNewer(buffer, page([200, 300], true, true));
    expect(buffer.hasNewer).toBe(true);
    buffer = appendNewer(buffer, page([300, 400], true, false));
    expect(offsets(buffer)).toEqual([100, 200, 300, 400]);
    expect(buffer.hasNewer).toBe(false);
  });

  it('marks skipped live lines with a gap placed between its bounds, then fills it', () => {
    let buffer = bufferFromPage(page([100, 200]));
    buffer = addGap(buffer, { afterOffset: 200, beforeOffset: 600, count: 3 });
    buffer = appendLive(buffer, [line(600), line(700)], all).buffer;
    expect(offsets(buffer)).toEqual([100, 200, 'gap(200,600)', 600, 700]);
    const gap = buffer.rows[2]!;
    if (gap.kind !== 'gap') throw new Error('expected a gap');
    // hasNewer is true (lines exist after the gap), but fewer lines than the limit came: the hole is covered.
    const filled = fillGap(buffer, gap, page([300, 400, 500], true, true), 1000);
    expect(offsets(filled)).toEqual([100, 200, 300, 400, 500, 600, 700]);
  });

  it('keeps a smaller gap when one page does not cover the hole', () => {
    let buffer = bufferFromPage(page([100]));
    buffer = addGap(buffer, { afterOffset: 100, beforeOffset: 10_000, count: 5000 });
    const gap = buffer.rows[1]!;
    if (gap.kind !== 'gap') throw new Error('expected a gap');
    const filled = fillGap(buffer, gap, page([200, 300], true, true), 2);
    expect(offsets(filled)).toEqual([100, 200, 300, 'gap(300,10000)']);
    const rest = filled.rows[3]!;
    expect(rest.kind === 'gap' && rest.count).toBe(4998);
  });

  it('ignores a gap when not at the live end', () => {
    const buffer = bufferFromPage(page([100], false, true));
    expect(addGap(buffer, { afterOffset: 100, beforeOffset: 500, count: 1 })).toBe(buffer);
  });

  it('finds rows by offset (binary search) and counts only lines', () => {
    const buffer = addGap(bufferFromPage(page([100, 200, 300])), { afterOffset: 300, beforeOffset: 900, count: 1 });
    expect(indexOfOffset(buffer, 200)).toBe(1);
    expect(indexOfOffset(buffer, 250)).toBe(-1);
    expect(indexAtOrAfter(buffer, 250)).toBe(2);
    expect(indexAtOrAfter(buffer, 5000)).toBe(4);
    expect(lineCount(buffer)).toBe(3);
    expect(lineCount(EMPTY_BUFFER)).toBe(0);
  });

  it('never holds a duplicate offset, whatever order pages and live frames arrive in (seeded)', () => {
    const seed = 20261123;
    let state = seed;
    const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
    let buffer = bufferFromPage(page([5000, 5100, 5200], true));
    for (let i = 0; i < 300; i++) {
      const o = Math.floor(random() * 100) * 100;
      const choice = random();
      if (choice < 0.4) buffer = appendLive(buffer, [line(o), line(o + 100)], all).buffer;
      else if (choice < 0.7) buffer = prependOlder(buffer, page([o, o + 100], true)).buffer;
      else buffer = appendNewer(buffer, page([o, o + 100], true, false));
      const seen = offsets(buffer);
      expect(new Set(seen).size, `seed ${seed} step ${i}`).toBe(seen.length);
      expect(
        [...seen].sort((a, b) => Number(a) - Number(b)),
        `seed ${seed}`,
      ).toEqual(seen);
    }
  });
});

describe('log filter', () => {
  const f = (patch: Partial<LogFilter>): LogFilter => ({ ...NO_FILTER, ...patch });

  it('matches level at or above, exact step, and text in message or fields', () => {
    expect(lineMatches(f({ level: 'warn' }), line(1, { level: 40 }))).toBe(true);
    expect(lineMatches(f({ level: 'warn' }), line(1, { level: 30 }))).toBe(false);
    expect(lineMatches(f({ step: 'fetch' }), line(1, { step: 'fetch' }))).toBe(true);
    expect(lineMatches(f({ step: 'fetch' }), line(1, { step: null }))).toBe(false);
    expect(lineMatches(f({ q: 'TIMEOUT' }), line(1, { msg: 'request timeout' }))).toBe(true);
    expect(lineMatches(f({ q: 'acme-42' }), line(1, { msg: 'x', data: { id: 'ACME-42' } }))).toBe(true);
    expect(lineMatches(f({ q: 'nope' }), line(1))).toBe(false);
    expect(lineMatches(f({ q: '  ' }), line(1))).toBe(true);
  });

  it('turns into the logs route query parameters', () => {
    expect(filterParams(NO_FILTER)).toEqual({ level: undefined, step: undefined, q: undefined });
    expect(filterParams(f({ level: 'error', step: 's', q: ' x ' }))).toEqual({ level: 50, step: 's', q: 'x' });
    expect(isFiltered(NO_FILTER)).toBe(false);
    expect(isFiltered(f({ q: 'a' }))).toBe(true);
    expect(sameFilter(f({ q: 'a ' }), f({ q: 'a' }))).toBe(true);
    expect(sameFilter(f({ level: 'info' }), f({}))).toBe(false);
  });
});
