// What the ingest daemon publishes after each committed batch (consumed by the server's live hub and metrics).
import type { ErrorRow, LogRow, RunRow, StepRow } from './schema.js';
import type { RejectReason } from './events.js';

/** Everything one committed batch changed. Published only after its transaction committed. */
export interface IngestChange {
  /** Runs whose row changed, as committed. */
  runs: RunRow[];
  /** Steps whose row changed, as committed. */
  steps: StepRow[];
  /** Error rows inserted, with their ids. */
  errors: ErrorRow[];
  /** Log rows inserted, with their ids, in file order per run. */
  logs: LogRow[];
  /**
   * Runs deleted by this change (retention, or a file that started over and was re-ingested as a new run):
   * clients should drop them. Absent when none.
   */
  removedRunIds?: number[];
  stats: BatchStats;
}

export interface BatchStats {
  /** Lines committed in this batch (accepted + rejected). */
  lines: number;
  bytes: number;
  rejectsByReason: Partial<Record<RejectReason | 'truncated' | 'replaced' | 'fold_failed', number>>;
  /** Accepted lines with a value kept but not used (a time outside the sane window, a club the path overrules), by field. */
  notedByField?: Record<string, number>;
  /** Time spent in the commit transaction. */
  commitMs: number;
  /** Now minus the newest line time in the batch (how far ingest is behind the writers), when known. */
  lagMs: number | null;
}
