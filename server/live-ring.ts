// The live hub's resume ring: the most recent changes with their cursors, bounded both by count and by the log
// lines they carry, so a reconnecting client is replayed exactly what it missed or told it is too far behind.
import type { HubEntry } from './live-entry.js';

export class ResumeRing {
  /** Oldest first; cursors are consecutive. */
  private readonly entries: HubEntry[] = [];
  private lines = 0;

  constructor(
    private readonly maxChanges: number,
    private readonly maxLines: number,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  /** Keeps `entry` and evicts the oldest past either bound (the newest always stays). */
  add(entry: HubEntry): void {
    this.entries.push(entry);
    this.lines += entry.lineCount;
    while (this.entries.length > 1 && (this.entries.length > this.maxChanges || this.lines > this.maxLines)) {
      const oldest = this.entries.shift() as HubEntry;
      this.lines -= oldest.lineCount;
    }
  }

  /** Why `since` cannot be resumed from, `cursor` being the newest published, or null when every later change is kept. */
  resumeProblem(since: number, cursor: number): string | null {
    if (since > cursor) return 'unknown cursor';
    const oldest = this.entries[0];
    const oldestKept = oldest ? oldest.cursor : cursor + 1;
    if (since < oldestKept - 1) return 'too far behind';
    return null;
  }

  /** The kept changes after `since`, oldest first. */
  after(since: number): HubEntry[] {
    const oldest = this.entries[0];
    if (!oldest) return [];
    // Cursors in the ring are consecutive, so the first missed change is found by subtraction.
    return this.entries.slice(Math.max(0, since + 1 - oldest.cursor));
  }
}
