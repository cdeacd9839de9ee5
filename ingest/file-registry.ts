// The open-file registry: every run file the daemon knows of, which of them hold an fd (at most `maxOpenFiles`, the
// least recently active idle ones closed first), and the decisions made when a file is opened: resume at its
// committed offset, or start over because it is not the file that was read before.
import { constants as fsConstants, closeSync, fstatSync, openSync, type Stats } from 'node:fs';
import { compareIdentity, fingerprintMatches } from './file-identity.js';
import { RealPathGuard } from './real-path-guard.js';
import type { StartOverReason } from './store.js';
import { FileTailer, ScratchBuffer } from './tailer.js';
import { newFileRecord, newTracked, type DaemonContext, type Tracked } from './tracked-file.js';

/** Lines per batch: bounds one transaction (and so the time another file waits). Bytes are bounded by the read size. */
const MAX_LINES_PER_BATCH = 2000;

export class FileRegistry {
  /** Every file known, by absolute path. */
  readonly files = new Map<string, Tracked>();
  /** Files with an open fd, oldest opened first. */
  readonly openFiles = new Set<Tracked>();
  private readonly scratch: ScratchBuffer;
  /** Set by guardRunsDir() in start(), once the runs directory exists. */
  private pathGuard: RealPathGuard | null = null;

  constructor(
    private readonly ctx: DaemonContext,
    maxLineBytes: number,
    private readonly maxOpenFiles: number,
  ) {
    this.scratch = new ScratchBuffer(maxLineBytes);
  }

  /** Once the runs directory exists: from now on every path is checked to lead inside it. */
  guardRunsDir(): void {
    this.pathGuard = new RealPathGuard(this.ctx.runsDir);
  }

  get guard(): RealPathGuard {
    if (this.pathGuard === null) throw new Error('runboard ingest: file registry used before start()');
    return this.pathGuard;
  }

  /** The file at `abs`, known from now on. */
  track(abs: string, rel: string): Tracked {
    let tracked = this.files.get(abs);
    if (tracked === undefined) {
      tracked = newTracked(abs, rel);
      this.files.set(abs, tracked);
    }
    return tracked;
  }

  /** Open a file and decide where to resume: its committed offset, or 0 if it is not the file we knew. */
  open(tracked: Tracked): boolean {
    const refusal = this.guard.checkPath(tracked.rel);
    if (refusal !== null) {
      this.refuse(tracked, refusal);
      this.dropRefused(tracked);
      return false;
    }
    let fd: number;
    try {
      // O_NOFOLLOW: a symlink planted in the runs directory must not make the daemon read files outside it.
      // O_NONBLOCK: a FIFO named *.ndjson must not block the daemon in open(2) (it is then refused as not a file).
      fd = openSync(tracked.abs, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP' || code === 'EISDIR') {
        this.forget(tracked);
        return false;
      }
      throw error;
    }
    const openedRefusal = this.guard.checkOpened(tracked.rel, fd);
    if (openedRefusal !== null) {
      closeSync(fd);
      this.refuse(tracked, openedRefusal);
      this.dropRefused(tracked);
      return false;
    }
    const { problems } = this.ctx;
    if (problems.kindAt(tracked.rel) === 'outside_runs_dir') problems.clear(tracked.rel);
    let st: Stats;
    try {
      st = fstatSync(fd);
      if (!st.isFile()) {
        closeSync(fd);
        this.forget(tracked);
        return false;
      }
      const offset = this.resumeOffset(tracked, fd, st);
      tracked.tailer = new FileTailer(fd, offset, this.scratch, MAX_LINES_PER_BATCH);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    tracked.fdDevice = st.dev;
    tracked.fdInode = st.ino;
    tracked.gone = false;
    this.openFiles.add(tracked);
    if (this.openFiles.size > this.maxOpenFiles) this.closeLeastActive(tracked);
    return true;
  }

  /** Where reading the newly opened `fd` resumes: the committed offset if it is the file we knew, else 0. */
  private resumeOffset(tracked: Tracked, fd: number, st: Stats): number {
    const known = tracked.record;
    if (known === null) {
      tracked.record = newFileRecord(tracked.rel, st);
      return 0;
    }
    const fingerprintOk =
      known.fingerprint !== null && known.fingerprintBytes !== null && st.size >= known.fingerprintBytes
        ? fingerprintMatches(fd, known.fingerprint, known.fingerprintBytes)
        : null;
    const verdict = compareIdentity(known, {
      device: st.dev,
      inode: st.ino,
      size: st.size,
      fingerprintMatches: fingerprintOk,
    });
    if (verdict.kind === 'same') return known.committedOffset;
    if (verdict.kind === 'same-moved-device') {
      tracked.record = { ...known, device: st.dev };
      this.ctx.store.saveFile(tracked.record);
      return known.committedOffset;
    }
    if (verdict.kind === 'truncated') {
      this.startOver(tracked, 'truncated', `file shrank from ${known.committedOffset} to ${st.size} bytes`, st);
    } else {
      this.startOver(tracked, 'replaced', verdict.detail, st);
    }
    return 0;
  }

  /** A path that leads outside the runs directory: never read; logged and recorded once. */
  refuse(tracked: Tracked, detail: string): void {
    if (this.ctx.problems.report(tracked.rel, 'outside_runs_dir', detail)) {
      this.ctx.log.warn(
        { file: tracked.rel, detail },
        'runboard ingest: file refused: its path leads outside the runs directory',
      );
    }
  }

  /**
   * Not read, and not looked at again until a scan finds it inside the runs directory once more (the sweep skips
   * files marked gone; a scan never descends into a symlink). Its record stays: restored, it resumes where it was.
   */
  private dropRefused(tracked: Tracked): void {
    this.ctx.queue.delete(tracked);
    tracked.gone = true;
  }

  /** Read a file again from its start: its old run goes, a reject row says why. */
  startOver(tracked: Tracked, reason: StartOverReason, detail: string, st?: Stats): void {
    const known = tracked.record;
    if (known === null) return;
    const observed = st ? { device: st.dev, inode: st.ino } : { device: known.device, inode: known.inode };
    if (known.committedOffset === 0 && known.runId === null) {
      tracked.record = { ...known, ...observed, fingerprint: null, fingerprintBytes: null };
      return;
    }
    this.ctx.log.warn({ file: tracked.rel, reason, detail }, 'runboard ingest: file starts over');
    const { change, file } = this.ctx.store.startOver(known, reason, detail, observed);
    tracked.record = file;
    tracked.runEnded = false;
    this.ctx.publish(change);
  }

  /** The file is gone for good: close it and drop its record (its run and rows stay). */
  forget(tracked: Tracked): void {
    this.close(tracked);
    this.ctx.queue.delete(tracked);
    if (tracked.recheck) clearTimeout(tracked.recheck);
    if (tracked.retry) clearTimeout(tracked.retry);
    this.files.delete(tracked.abs);
    if (tracked.record !== null) this.ctx.store.forgetFile(tracked.rel);
  }

  close(tracked: Tracked): void {
    if (tracked.tailer === null) return;
    if (tracked.record?.runId != null) this.ctx.store.evictRun(tracked.record.runId);
    tracked.tailer.close();
    tracked.tailer = null;
    this.openFiles.delete(tracked);
  }

  closeAll(): void {
    for (const tracked of [...this.openFiles]) this.close(tracked);
  }

  private closeLeastActive(keep: Tracked): void {
    let oldest: Tracked | null = null;
    for (const tracked of this.openFiles) {
      if (tracked === keep || this.ctx.queue.has(tracked)) continue;
      if (oldest === null || tracked.lastActivity < oldest.lastActivity) oldest = tracked;
    }
    // With every open file busy, the cap is exceeded briefly rather than losing track of work.
    if (oldest !== null) this.close(oldest);
  }

  /** Cheap look (one fstat) at an open file: anything beyond what was read? A closed file gets a full pass. */
  hasUnreadBytes(tracked: Tracked): boolean {
    if (tracked.tailer === null) return true;
    try {
      return fstatSync(tracked.tailer.fd).size !== tracked.tailer.readUpTo;
    } catch {
      return true;
    }
  }
}
