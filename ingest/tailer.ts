// Reading one file by byte offsets: new bytes only, split on \n, the partial last line held until its newline,
// an over-long line skipped without ever holding it whole. Never re-reads a file from its start.
import { isUtf8 } from 'node:buffer';
import { closeSync, readSync } from 'node:fs';
import { lenientExcerpt } from './excerpt.js';

/** Bytes read per read(2): big enough that a backlog costs few syscalls, small enough to bound a batch. */
export const READ_CHUNK_BYTES = 256 * 1024;
/** Most reads in one pass: bounds the time one pass may take (e.g. while skipping a 10 MB line). */
const MAX_READS_PER_PASS = 8;

export type TailItem =
  /** A complete line, decoded (valid UTF-8), without its newline. */
  | { kind: 'text'; offset: number; lineBytes: number; text: string }
  /** A complete line that is not valid UTF-8: its bytes, for the parser to reject with its reason. */
  | { kind: 'bytes'; offset: number; lineBytes: number; bytes: Uint8Array }
  /** A line longer than the maximum: only its start was kept, for the reject's excerpt. */
  | { kind: 'too_long'; offset: number; lineBytes: number; excerpt: string };

export interface TailPass {
  /** Complete lines, in file order. */
  items: TailItem[];
  /** Offset just past the last item's newline: where the committed offset moves when these items are stored. */
  endOffset: number;
  /** Whether bytes beyond what this pass handed out are already known to be in the file. */
  more: boolean;
}

/**
 * One scratch buffer shared by every tailer of a daemon: passes run one at a time and lines leave it as strings,
 * so memory is this buffer (max line + one read) whatever the file sizes and however many files are open.
 */
export class ScratchBuffer {
  readonly buffer: Buffer;
  constructor(readonly maxLineBytes: number) {
    this.buffer = Buffer.allocUnsafe(maxLineBytes + READ_CHUNK_BYTES + 1);
  }
}

interface SkipState {
  /** Offset where the over-long line starts. */
  start: number;
  /** Bytes of it seen so far. */
  bytes: number;
  excerpt: string;
}

/**
 * Nothing is carried between passes but the skip state of an over-long line: a partial last line is read again
 * from the file on the next pass (usually a few hundred bytes). That way what is handed out always comes from the
 * file as it is now, even if the uncommitted tail was cut and rewritten in between.
 */
export class FileTailer {
  /** End of the last line handed out and committed: the file's committed offset. */
  private committed: number;
  /** Where the next unconsumed line starts: the next pass reads from here. */
  private position: number;
  /** How far the file has been seen: bytes up to here were read at least once. */
  private seenUpTo: number;
  private skip: SkipState | null = null;

  constructor(
    readonly fd: number,
    startOffset: number,
    private readonly scratch: ScratchBuffer,
    private readonly maxLines: number,
  ) {
    this.committed = this.position = this.seenUpTo = startOffset;
  }

  get committedOffset(): number {
    return this.committed;
  }

  /** Offset up to which the file has been seen: a size beyond it means new bytes. */
  get readUpTo(): number {
    return this.seenUpTo;
  }

  /** Read what is new (up to `fileSize`) and hand out complete lines. Synchronous: no await per line. */
  readPass(fileSize: number): TailPass {
    const S = this.scratch.buffer;
    const maxLineBytes = this.scratch.maxLineBytes;
    // Skipping an over-long line: carry on after the part already seen; otherwise start at the next line.
    let base = this.skip !== null ? this.seenUpTo : this.position;
    let end = 0;
    let lineStart = 0;
    let scanFrom = 0;
    let view = S.subarray(0, 0);
    // Lines found, as positions in S (numbers, not an object per line); an over-long line is an entry of
    // `skipped`, marked in `starts` by -1 - its index.
    const starts: number[] = [];
    const ends: number[] = [];
    const skipped: TailItem[] = [];
    let reads = 0;
    let full = false;

    for (;;) {
      const nl = scanFrom < end ? view.indexOf(10, scanFrom) : -1;
      if (nl !== -1) {
        if (this.skip !== null) {
          const skip = this.skip;
          starts.push(-1 - skipped.length);
          ends.push(0);
          skipped.push({
            kind: 'too_long',
            offset: skip.start,
            lineBytes: skip.bytes + (nl - lineStart),
            excerpt: skip.excerpt,
          });
          this.skip = null;
        } else if (nl - lineStart > maxLineBytes) {
          starts.push(-1 - skipped.length);
          ends.push(0);
          skipped.push({
            kind: 'too_long',
            offset: base + lineStart,
            lineBytes: nl - lineStart,
            excerpt: lenientExcerpt(S.subarray(lineStart, Math.min(nl, lineStart + 200))),
          });
        } else {
          starts.push(lineStart);
          ends.push(nl);
        }
        lineStart = scanFrom = nl + 1;
        if (starts.length >= this.maxLines) {
          full = true;
          break;
        }
        continue;
      }
      scanFrom = end;
      if (this.skip !== null) {
        this.skip.bytes += end - lineStart;
        lineStart = end;
      } else if (end - lineStart > maxLineBytes) {
        this.skip = {
          start: base + lineStart,
          bytes: end - lineStart,
          excerpt: lenientExcerpt(S.subarray(lineStart, lineStart + 200)),
        };
        lineStart = end;
      }
      // Lines in hand: commit them now rather than read on; the partial tail is read again next pass.
      if (starts.length > 0 || reads >= MAX_READS_PER_PASS) break;
      if (lineStart > 0) {
        // Nothing handed out yet, so the partial line can move to the front of the buffer.
        S.copyWithin(0, lineStart, end);
        base += lineStart;
        end -= lineStart;
        scanFrom -= lineStart;
        lineStart = 0;
      }
      const want = Math.min(READ_CHUNK_BYTES, S.length - end, fileSize - (base + end));
      if (want <= 0) break;
      const n = readSync(this.fd, S, end, want, base + end);
      reads++;
      if (n === 0) break;
      end += n;
      view = S.subarray(0, end);
    }

    const items = decodeLines(S, base, starts, ends, skipped);
    const last = items[items.length - 1];
    const endOffset = last === undefined ? this.position : last.offset + last.lineBytes + 1;
    this.position = this.skip !== null ? this.skip.start : base + lineStart;
    this.seenUpTo = Math.max(this.seenUpTo, base + end);
    return { items, endOffset, more: full || base + end < fileSize };
  }

  /** The items of the last pass up to `endOffset` are in the database. */
  commit(endOffset: number): void {
    this.committed = endOffset;
  }

  /** The last pass could not be stored, or the file changed under it: read again from the committed offset. */
  rewind(): void {
    this.position = this.seenUpTo = this.committed;
    this.skip = null;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed: nothing to release.
    }
  }
}

/**
 * Decode the complete lines of a pass. Consecutive lines are decoded as one region: one UTF-8 validity check and
 * one decode per region, then split on \n (valid UTF-8 split at \n stays valid); a region that fails the check is
 * decoded line by line, so only the bad lines become byte items.
 */
function decodeLines(
  S: Buffer,
  base: number,
  starts: readonly number[],
  ends: readonly number[],
  skipped: readonly TailItem[],
): TailItem[] {
  const items: TailItem[] = [];
  let i = 0;
  while (i < starts.length) {
    const first = starts[i]!;
    if (first < 0) {
      items.push(skipped[-1 - first]!);
      i++;
      continue;
    }
    let j = i + 1;
    let prevEnd = ends[i]!;
    while (j < starts.length && starts[j] === prevEnd + 1) {
      prevEnd = ends[j]!;
      j++;
    }
    const region = S.subarray(first, prevEnd);
    if (isUtf8(region)) {
      const texts = region.toString('utf8').split('\n');
      for (let k = i; k < j; k++) {
        items.push({ kind: 'text', offset: base + starts[k]!, lineBytes: ends[k]! - starts[k]!, text: texts[k - i]! });
      }
    } else {
      for (let k = i; k < j; k++) {
        const bytes = S.subarray(starts[k], ends[k]);
        const offset = base + starts[k]!;
        const lineBytes = ends[k]! - starts[k]!;
        if (isUtf8(bytes)) items.push({ kind: 'text', offset, lineBytes, text: bytes.toString('utf8') });
        else items.push({ kind: 'bytes', offset, lineBytes, bytes: new Uint8Array(bytes) });
      }
    }
    i = j;
  }
  return items;
}
