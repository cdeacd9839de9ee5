// One read pass over one file, the ingest path in order: tail (bytes to lines) → classify (lines to events or
// rejects) → fold (events onto the run's state, pure, outside any transaction) → store (one transaction with the
// file's new offset) → publish. Also what follows a pass that failed: back off, then try again from the committed
// offset.
import { fstatSync, lstatSync, type Stats } from 'node:fs';
import { classifyLines, type ClassifiedLines } from './classify-lines.js';
import { readFingerprint } from './file-identity.js';
import type { FileRegistry } from './file-registry.js';
import { foldBatch, type FoldedBatch } from './fold-safely.js';
import type { FoldOptions } from './fold.js';
import { problemDetail, problemKindOf } from './ingest-problems.js';
import type { RunRow } from '../shared/schema.js';
import type { FileRecord } from './store.js';
import type { DaemonContext, Tracked } from './tracked-file.js';

const MAX_RETRY_MS = 10_000;

export interface ReadPassOptions {
  maxLineBytes: number;
  maxDepth: number;
  /** How to fold a run's lines (its pipeline's identifier fields), looked up per batch. */
  foldOptionsFor: (run: RunRow) => FoldOptions;
  /** The database file's name: where a full disk is reported. */
  dbName: string;
}

export class ReadPass {
  constructor(
    private readonly ctx: DaemonContext,
    private readonly registry: FileRegistry,
    private readonly options: ReadPassOptions,
  ) {}

  /** One read pass over one file, committed. Returns whether the file has more to read right away. */
  run(tracked: Tracked): boolean {
    if (tracked.tailer === null && !this.registry.open(tracked)) return false;
    const tailer = tracked.tailer!;
    if (this.pathChanged(tracked)) return true;

    const st = fstatSync(tailer.fd);
    if (st.size < tailer.committedOffset) {
      this.registry.close(tracked);
      this.registry.startOver(
        tracked,
        'truncated',
        `file shrank from ${tailer.committedOffset} to ${st.size} bytes`,
        st,
      );
      return !tracked.gone;
    }
    if (st.size < tailer.readUpTo) tailer.rewind(); // Only an uncommitted partial line was cut: read it again.
    tracked.seenSize = st.size;
    tracked.seenInode = st.ino;

    const pass = tailer.readPass(tracked.drainUpTo === null ? st.size : Math.min(st.size, tracked.drainUpTo));
    if (pass.items.length === 0) {
      if (!pass.more && tracked.gone) this.registry.forget(tracked);
      return pass.more;
    }
    const record = tracked.record!;
    const lines = classifyLines(pass.items, {
      maxLineBytes: this.options.maxLineBytes,
      maxDepth: this.options.maxDepth,
      fallbackTime: Math.round(st.mtimeMs),
      now: Date.now(),
      path: tracked.rel,
    });
    const folded = this.fold(record, lines);
    let committed;
    try {
      committed = this.ctx.store.commitBatch({
        file: record,
        lines,
        folded,
        endOffset: pass.endOffset,
        fingerprint: record.fingerprint === null ? readFingerprint(tailer.fd) : null,
      });
    } catch (error) {
      tailer.rewind();
      throw error;
    }
    tailer.commit(pass.endOffset);
    if (this.ctx.problems.size > 0) this.ctx.problems.clear(this.options.dbName); // a commit: the disk has room
    tracked.record = committed.file;
    tracked.lastActivity = Date.now();
    const run = committed.change.runs[0];
    if (run !== undefined) tracked.runEnded = run.status === 'success' || run.status === 'failure';
    this.ctx.publish(committed.change);
    if (!pass.more && tracked.gone) {
      this.registry.forget(tracked);
      return false;
    }
    return pass.more;
  }

  /**
   * The lines folded onto their run as committed; null when there is nothing to fold or the file has no run yet (its
   * first lines: the store resolves the run inside the batch's transaction and folds there, as only then does the
   * run have its id).
   */
  private fold(record: FileRecord, lines: ClassifiedLines): FoldedBatch | null {
    if (lines.accepted.length === 0) return null;
    const state = this.ctx.store.runStateOf(record);
    return state === null ? null : foldBatch(state, lines.accepted, this.options.foldOptionsFor(state.run));
  }

  /**
   * What the path leads to now, against the open fd. Marks the file gone when the path no longer leads to it (or
   * leads outside the runs directory). Returns true when the file was replaced by another: it starts over.
   */
  private pathChanged(tracked: Tracked): boolean {
    // A directory on the way swapped for a symlink: the open fd is still the file that was inside; read what it
    // holds, never what the path leads to now.
    const refusal = this.registry.guard.checkPath(tracked.rel);
    if (refusal !== null) {
      this.registry.refuse(tracked, refusal);
      tracked.gone = true;
      return false;
    }
    // Always ask the path (a sweep may have marked it gone just before the file was created again).
    let pathStat: Stats | null = null;
    try {
      pathStat = lstatSync(tracked.abs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (pathStat === null || !pathStat.isFile()) {
      tracked.gone = true; // Deleted while being read: finish what the fd still holds, then forget it.
    } else if (pathStat.ino !== tracked.fdInode || pathStat.dev !== tracked.fdDevice) {
      // Replaced by rename: the old inode's bytes are no longer this path's content.
      this.registry.close(tracked);
      this.registry.startOver(
        tracked,
        'replaced',
        `replaced by another file (inode ${tracked.fdInode} → ${pathStat.ino})`,
        pathStat,
      );
      return true;
    } else {
      tracked.gone = false;
    }
    return false;
  }

  /** Something unexpected (I/O error, database busy beyond its timeout): back off and try again from the committed offset. */
  failed(tracked: Tracked, error: unknown): void {
    tracked.failures += 1;
    const kind = problemKindOf(error);
    // A full disk is the database's problem, not this file's: one entry however many files wait on it.
    const where = kind === 'disk_full' ? this.options.dbName : tracked.rel;
    if (this.ctx.problems.report(where, kind, problemDetail(error))) {
      this.ctx.log.error({ err: error, file: tracked.rel, failures: tracked.failures }, 'runboard ingest: pass failed');
    } else {
      // Already listed as a problem (and logged when it appeared): retries every 10 s need not fill the journal.
      this.ctx.log.debug(
        { err: error, file: tracked.rel, failures: tracked.failures },
        'runboard ingest: pass failed again',
      );
    }
    this.registry.close(tracked);
    if (this.ctx.isStopped()) return;
    const delay = Math.min(MAX_RETRY_MS, 100 * 2 ** Math.min(tracked.failures, 10));
    tracked.retry = setTimeout(() => {
      tracked.retry = null;
      this.ctx.enqueue(tracked);
    }, delay);
  }
}
