// The log viewer's buffer: one contiguous, position-sorted slice of a run's lines (plus markers where the
// live stream skipped lines), grown by REST pages on either side and by live frames at the live end.
// Pure: every function returns a new buffer; duplicates (same byte offset) are dropped on every path,
// so replays after a reconnect can never show a line twice.
import type { LogLineView, LogsResponse } from '../shared/api.js';

export interface LineRow {
  kind: 'line';
  line: LogLineView;
}

/** Lines the live stream dropped under backpressure: fetchable by REST between the two offsets. */
export interface GapRow {
  kind: 'gap';
  /** Exclusive bounds, in byte offsets. */
  afterOffset: number;
  beforeOffset: number;
  /** How many lines were skipped, when the server said so. */
  count: number | null;
}

export type LogRow = LineRow | GapRow;

export interface LogBuffer {
  rows: readonly LogRow[];
  /** Older lines exist before the first row. */
  hasOlder: boolean;
  /** Newer lines exist after the last row: the buffer does not reach the live end, live lines are not appended. */
  hasNewer: boolean;
}

export const EMPTY_BUFFER: LogBuffer = { rows: [], hasOlder: false, hasNewer: false };

/** Sort key: a gap sits just after the line at its `afterOffset`. */
export function rowPosition(row: LogRow): number {
  return row.kind === 'line' ? row.line.offset : row.afterOffset + 0.5;
}

export function rowKey(row: LogRow): string {
  return row.kind === 'line' ? `l${row.line.offset}` : `g${row.afterOffset}`;
}

function lineRows(lines: readonly LogLineView[]): LineRow[] {
  return lines.map((line) => ({ kind: 'line', line }));
}

/** Merge two position-sorted row lists, keeping the first of equal positions. */
function mergeSorted(a: readonly LogRow[], b: readonly LogRow[]): LogRow[] {
  if (b.length === 0) return a.slice();
  if (a.length === 0) return dedupeSorted(b);
  // Fast paths: the common cases are pure appends and pure prepends.
  if (rowPosition(b[0]!) > rowPosition(a[a.length - 1]!)) return a.concat(dedupeSorted(b));
  if (rowPosition(b[b.length - 1]!) < rowPosition(a[0]!)) return dedupeSorted(b).concat(a);
  const out: LogRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && rowPosition(a[i]!) <= rowPosition(b[j]!)) ? a[i++]! : b[j++]!;
    const last = out[out.length - 1];
    if (last === undefined || rowPosition(last) !== rowPosition(next)) out.push(next);
  }
  return out;
}

function dedupeSorted(rows: readonly LogRow[]): LogRow[] {
  const sorted = rows.slice().sort((x, y) => rowPosition(x) - rowPosition(y));
  return sorted.filter((row, i) => i === 0 || rowPosition(sorted[i - 1]!) !== rowPosition(row));
}

/** A fresh buffer from one REST page (lines ascending). */
export function bufferFromPage(page: LogsResponse): LogBuffer {
  return { rows: dedupeSorted(lineRows(page.lines)), hasOlder: page.hasOlder, hasNewer: page.hasNewer };
}

/** Older lines fetched with `before` = first offset. Returns how many rows were added above, to keep the scroll. */
export function prependOlder(buffer: LogBuffer, page: LogsResponse): { buffer: LogBuffer; added: number } {
  const first = buffer.rows[0];
  const older = first === undefined ? page.lines : page.lines.filter((l) => l.offset < rowPosition(first));
  const rows = mergeSorted(buffer.rows, lineRows(older));
  return { buffer: { ...buffer, rows, hasOlder: page.hasOlder }, added: rows.length - buffer.rows.length };
}

/** Newer lines fetched by REST with `after` = last offset (catching up towards the live end). */
export function appendNewer(buffer: LogBuffer, page: LogsResponse): LogBuffer {
  return { ...buffer, rows: mergeSorted(buffer.rows, lineRows(page.lines)), hasNewer: page.hasNewer };
}

/**
 * Live lines. Appended only when the buffer reaches the live end; otherwise they are counted as missed
 * (the viewer offers "jump to live"). Lines the filter rejects are ignored.
 */
export function appendLive(
  buffer: LogBuffer,
  lines: readonly LogLineView[],
  matches: (line: LogLineView) => boolean,
): { buffer: LogBuffer; appended: number; missed: number } {
  const wanted = lines.filter(matches);
  if (wanted.length === 0) return { buffer, appended: 0, missed: 0 };
  if (buffer.hasNewer) return { buffer, appended: 0, missed: wanted.length };
  const rows = mergeSorted(buffer.rows, lineRows(wanted));
  return { buffer: { ...buffer, rows }, appended: rows.length - buffer.rows.length, missed: 0 };
}

/** Marks where the live stream skipped lines, so the operator sees the hole and can fill it. */
export function addGap(buffer: LogBuffer, gap: Omit<GapRow, 'kind'>): LogBuffer {
  if (buffer.hasNewer) return buffer; // not at the live end: the hole is outside what is shown
  const row: GapRow = { kind: 'gap', ...gap };
  return { ...buffer, rows: mergeSorted(buffer.rows, [row]) };
}

/**
 * Replaces a gap with the lines fetched for it (`after` = gap.afterOffset, `before` = gap.beforeOffset, `limit`).
 * A full page may not have covered the hole: then a smaller gap stays after the last fetched line. (The page's
 * `hasNewer` cannot tell: it is also true when lines exist past the gap's end.)
 */
export function fillGap(buffer: LogBuffer, gap: GapRow, page: LogsResponse, limit: number): LogBuffer {
  const inside = page.lines.filter((l) => l.offset > gap.afterOffset && l.offset < gap.beforeOffset);
  const rest = buffer.rows.filter((row) => !(row.kind === 'gap' && row.afterOffset === gap.afterOffset));
  const added: LogRow[] = lineRows(inside);
  const lastFetched = inside[inside.length - 1];
  if (page.lines.length >= limit && lastFetched !== undefined && lastFetched.offset < gap.beforeOffset) {
    const remaining = gap.count === null ? null : Math.max(0, gap.count - inside.length);
    added.push({ kind: 'gap', afterOffset: lastFetched.offset, beforeOffset: gap.beforeOffset, count: remaining });
  }
  return { ...buffer, rows: mergeSorted(rest, added) };
}

export function firstLineOffset(buffer: LogBuffer): number | null {
  for (const row of buffer.rows) if (row.kind === 'line') return row.line.offset;
  return null;
}

export function lastLineOffset(buffer: LogBuffer): number | null {
  for (let i = buffer.rows.length - 1; i >= 0; i--) {
    const row = buffer.rows[i]!;
    if (row.kind === 'line') return row.line.offset;
  }
  return null;
}

/** Index of the row holding the line at `offset`, or -1. Binary search: the rows are sorted. */
export function indexOfOffset(buffer: LogBuffer, offset: number): number {
  let lo = 0;
  let hi = buffer.rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const pos = rowPosition(buffer.rows[mid]!);
    if (pos === offset) return buffer.rows[mid]!.kind === 'line' ? mid : -1;
    if (pos < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function lineCount(buffer: LogBuffer): number {
  let n = 0;
  for (const row of buffer.rows) if (row.kind === 'line') n++;
  return n;
}

/** Index of the first row at or after `position` (rows.length when none): where a line would sit. */
export function indexAtOrAfter(buffer: LogBuffer, position: number): number {
  let lo = 0;
  let hi = buffer.rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rowPosition(buffer.rows[mid]!) < position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const gapCache = new WeakMap<readonly LogRow[], GapRow[]>();

/** The buffer's skipped-line markers, in order (memoised per rows array: the viewer asks on every render). */
export function gapsOf(buffer: LogBuffer): GapRow[] {
  let gaps = gapCache.get(buffer.rows);
  if (!gaps) {
    gaps = buffer.rows.filter((row): row is GapRow => row.kind === 'gap');
    gapCache.set(buffer.rows, gaps);
  }
  return gaps;
}

/** Lines known to be skipped (null when some marker does not say how many). */
export function skippedCount(gaps: readonly GapRow[]): number | null {
  let total = 0;
  for (const gap of gaps) {
    if (gap.count === null) return null;
    total += gap.count;
  }
  return total;
}

/** Index of a gap row (by its lower bound), or -1. */
export function indexOfGap(buffer: LogBuffer, afterOffset: number): number {
  const index = indexAtOrAfter(buffer, afterOffset + 0.5);
  const row = buffer.rows[index];
  return row?.kind === 'gap' && row.afterOffset === afterOffset ? index : -1;
}

/** The first line row after (`step` 1) or before (-1) row `index`, skipping gap markers; null past either end. */
export function lineBeside(buffer: LogBuffer, index: number, step: 1 | -1): LogLineView | null {
  for (let i = index + step; i >= 0 && i < buffer.rows.length; i += step) {
    const row = buffer.rows[i]!;
    if (row.kind === 'line') return row.line;
  }
  return null;
}
