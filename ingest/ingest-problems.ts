// Conditions that keep ingest from reading something, for as long as they last: an unreadable run file or
// directory, a full disk, a path leading outside the runs directory. Not rejects (those are lines, recorded for
// good with their offset): a problem goes away when the condition does. The API lists them, /metrics counts them,
// /api/ready reports degraded while there are any. Reporting is idempotent, so the daemon logs a problem once when
// it appears (or changes kind), not on every retry.
import type { IngestProblem, IngestProblemKind } from '../shared/api.js';

export type { IngestProblem, IngestProblemKind };

/** What the API and metrics read. */
export interface IngestProblemsView {
  list(): IngestProblem[];
  countsByKind(): Partial<Record<IngestProblemKind, number>>;
}

export class IngestProblems implements IngestProblemsView {
  private readonly byPath = new Map<string, IngestProblem>();

  /** Record (or refresh the detail of) the problem at `path`. True when it is new or of another kind: log it. */
  report(path: string, kind: IngestProblemKind, detail: string, now = Date.now()): boolean {
    const known = this.byPath.get(path);
    if (known !== undefined && known.kind === kind) {
      known.detail = detail;
      return false;
    }
    this.byPath.set(path, { path, kind, detail, since: now });
    return true;
  }

  kindAt(path: string): IngestProblemKind | undefined {
    return this.byPath.get(path)?.kind;
  }

  /** The condition is gone. True when there was one. */
  clear(path: string): boolean {
    return this.byPath.delete(path);
  }

  get size(): number {
    return this.byPath.size;
  }

  list(): IngestProblem[] {
    return [...this.byPath.values()]
      .map((p) => ({ ...p }))
      .sort((a, b) => a.since - b.since || (a.path < b.path ? -1 : 1));
  }

  countsByKind(): Partial<Record<IngestProblemKind, number>> {
    const counts: Partial<Record<IngestProblemKind, number>> = {};
    for (const { kind } of this.byPath.values()) counts[kind] = (counts[kind] ?? 0) + 1;
    return counts;
  }
}

/** Pure: which kind of problem an error thrown while reading or committing a file is. */
export function problemKindOf(error: unknown): IngestProblemKind {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'EACCES' || code === 'EPERM') return 'unreadable';
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') return 'disk_full';
  return 'io_error';
}

/** One line for the API: the error's message without a stack. */
export function problemDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
