// From tailed lines to what the store writes: accepted lines (parsed) and rejects (with reason and excerpt).
// Pure: the parser from shared/ decides; this only carries offsets and excerpts along.
import { INGEST_NOTE_KEY, type Json, type ParsedLine, type RejectReason } from '../shared/events.js';
import { noteOnLine, parseLine } from '../shared/parse-line.js';
import { runPartsFromPath, safeSegment } from '../shared/run-path.js';
import { lenientExcerpt, textExcerpt } from './excerpt.js';
import type { FoldLine } from './fold.js';
import type { TailItem } from './tailer.js';

/** A line that could not be accepted, or an ingest event on the file (`truncated`, `replaced`). */
export interface RejectRecord {
  offset: number;
  reason: RejectReason | 'truncated' | 'replaced' | 'fold_failed';
  detail: string | null;
  excerpt: string | null;
  lineBytes: number | null;
}

export interface ClassifiedLines {
  /** Accepted lines, ready to fold: time is the line's own, else `fallbackTime`. */
  accepted: FoldLine[];
  rejected: RejectRecord[];
  /** Bytes of the lines (without newlines). */
  bytes: number;
  /** Lines seen, blank lines included. */
  lines: number;
  /** Accepted lines with a value kept but not used (see INGEST_NOTE_KEY), by field. */
  notedByField: Record<string, number>;
}

export interface ClassifyOptions {
  maxLineBytes: number;
  maxDepth: number;
  /** Time of a line without one, or with one outside the sane window: the file's mtime as just read. */
  fallbackTime: number;
  /** The daemon's clock. */
  now: number;
  /** The file, relative to the runs directory: where its run belongs. */
  path: string;
}

/** Line times before this (2000-01-01) are taken as wrong, not as history. */
export const EARLIEST_LINE_TIME = Date.UTC(2000, 0, 1);
/** Line times more than this far ahead of the daemon's clock are taken as wrong. */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;

/** Whether a line's time may drive its run's start, finish and ordering. Pure. */
export function isSaneTime(time: number, now: number): boolean {
  return time >= EARLIEST_LINE_TIME && time <= now + MAX_FUTURE_MS;
}

/**
 * A line's `club`/`pipeline` that disagree with the file's path are kept (as a note on the line's data) but never
 * place the run: a file under `a/p/` cannot write into club b. Names equal once made path-safe agree.
 */
const PLACEMENT_FIELDS = ['club', 'pipeline'] as const;

function notePlacement(line: ParsedLine, expected: { club: string; pipeline: string }): void {
  for (const field of PLACEMENT_FIELDS) {
    const value = line[field];
    // The run logger's lines repeat the path's names on every line: equal strings skip safeSegment's regexes.
    if (value === null || value === expected[field] || safeSegment(value) === expected[field]) continue;
    noteOnLine(line, field, { value, why: `the file's path places this run in ${field} "${expected[field]}"` });
    line[field] = null;
  }
}

function countNotes(line: ParsedLine, notedByField: Record<string, number>): void {
  const notes: Json | undefined = line.data?.[INGEST_NOTE_KEY];
  if (notes === undefined || notes === null || typeof notes !== 'object' || Array.isArray(notes)) return;
  for (const field of Object.keys(notes)) notedByField[field] = (notedByField[field] ?? 0) + 1;
}

/** A blank line (as some writers leave between records) holds nothing: skipped, neither a row nor a reject. */
function isBlank(text: string): boolean {
  return text === '' || text === '\r';
}

export function classifyLines(items: readonly TailItem[], options: ClassifyOptions): ClassifiedLines {
  const { maxLineBytes, maxDepth, now } = options;
  // An mtime of 1970 (an unpacked archive) is no better than a wrong line time.
  const fallbackTime = isSaneTime(options.fallbackTime, now) ? options.fallbackTime : now;
  const placement = runPartsFromPath(options.path);
  const accepted: FoldLine[] = [];
  const rejected: RejectRecord[] = [];
  const notedByField: Record<string, number> = {};
  let bytes = 0;
  for (const item of items) {
    bytes += item.lineBytes;
    if (item.kind === 'too_long') {
      rejected.push({
        offset: item.offset,
        reason: 'too_long',
        detail: `line of ${item.lineBytes} bytes is longer than ${maxLineBytes} bytes`,
        excerpt: item.excerpt,
        lineBytes: item.lineBytes,
      });
      continue;
    }
    if (item.kind === 'text' && item.text.length < 2 && isBlank(item.text)) continue;
    const result = parseLine(item.kind === 'text' ? item.text : item.bytes, { maxLineBytes, maxDepth });
    if (result.ok) {
      const { line } = result;
      let time = line.time ?? fallbackTime;
      if (line.time !== null && !isSaneTime(line.time, now)) {
        // Kept on the line, said so there; the run's start, finish and order go by when the line was read.
        noteOnLine(line, 'time', {
          value: line.time,
          why: 'outside 2000-01-01 .. one day ahead of the daemon clock; the ingest time is used',
        });
        line.time = null;
        time = fallbackTime;
      }
      if (line.club !== null || line.pipeline !== null) notePlacement(line, placement);
      if (line.data !== null) countNotes(line, notedByField);
      accepted.push({ offset: item.offset, time, line });
    } else {
      rejected.push({
        offset: item.offset,
        reason: result.rejection.reason,
        detail: result.rejection.detail,
        excerpt: item.kind === 'text' ? textExcerpt(item.text) : lenientExcerpt(item.bytes),
        lineBytes: item.lineBytes,
      });
    }
  }
  return { accepted, rejected, bytes, lines: items.length, notedByField };
}
