// From tailed lines to what the store writes: accepted lines (parsed) and rejects (with reason and excerpt).
// Pure: the parser from shared/ decides; this only carries offsets and excerpts along.
import type { RejectReason } from '../shared/events.js';
import { parseLine } from '../shared/parse-line.js';
import { lenientExcerpt, textExcerpt } from './excerpt.js';
import type { FoldLine } from './fold.js';
import type { TailItem } from './tailer.js';

/** A line that could not be accepted, or an ingest event on the file (`truncated`, `replaced`). */
export interface RejectRecord {
  offset: number;
  reason: RejectReason | 'truncated' | 'replaced';
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
}

/** A blank line (as some writers leave between records) holds nothing: skipped, neither a row nor a reject. */
function isBlank(text: string): boolean {
  return text === '' || text === '\r';
}

export function classifyLines(items: readonly TailItem[], maxLineBytes: number, fallbackTime: number): ClassifiedLines {
  const accepted: FoldLine[] = [];
  const rejected: RejectRecord[] = [];
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
    const result = parseLine(item.kind === 'text' ? item.text : item.bytes, { maxLineBytes });
    if (result.ok) {
      accepted.push({ offset: item.offset, time: result.line.time ?? fallbackTime, line: result.line });
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
  return { accepted, rejected, bytes, lines: items.length };
}
