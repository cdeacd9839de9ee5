// The log viewer's lines, DOM-free: which lines are held (a LogBuffer), paging older and newer, gaps the live
// stream skipped, merging live batches, catching up after a reconnect, and the follow/pause state that decides
// where the view scrolls. The element (log-viewer) measures, scrolls and renders; this decides. Requests run
// under the page's LiveDataController, so an answer for an older run or filter never lands in the buffer.
import type { LiveDataMessage, LogLineView, LogsResponse } from '../shared/api.js';
import {
  EMPTY_BUFFER,
  addGap,
  appendLive,
  appendNewer,
  bufferFromPage,
  fillGap,
  firstLineOffset,
  gapsOf,
  lastLineOffset,
  prependOlder,
  type GapRow,
  type LogBuffer,
} from './log-buffer.js';
import { isFiltered, lineMatches, type LogFilter } from './log-filter.js';
import { errorMessage, type LiveDataController } from './live-data-controller.js';

/** Lines in the first page (newest) and in each older/newer page fetched on scroll. */
export const FIRST_PAGE = 500;
export const PAGE = 1000;
/** Catching up after a reconnect: beyond this many pages, stop and offer "jump to live" instead. */
const MAX_CATCH_UP_PAGES = 20;
/** A failed catch-up (server restarting) is tried again this much later. */
export const CATCH_UP_RETRY_MS = 2000;
export const CATCH_UP_FAILED = 'catching up after the reconnect failed';
/** Filling every gap stops after this many pages. */
const MAX_GAP_PAGES = 500;

/** Where the view should scroll after the next render. */
export type ScrollIntent =
  { kind: 'bottom' } | { kind: 'by'; at: number; rows: number } | { kind: 'center'; offset: number };

export interface LogQuery {
  after?: number;
  before?: number;
  limit: number;
}

/** What the log shows now: the element's properties. */
export interface LogTarget {
  runId: number;
  filter: LogFilter;
  /** Byte offset of the deep-linked line, or null for the live end. */
  focusLine: number | null;
}

export interface LogFeedHost {
  target(): LogTarget;
  /** One page of the run's log under the current filter. */
  fetchLogs(query: LogQuery): Promise<LogsResponse>;
  /** Whether the row at this index starts above what is on screen (rows inserted there push the view down). */
  rowAboveView(index: number): boolean;
  /** Something shown changed: render again. */
  changed(): void;
}

/** The loads of a log: the part of the page's LiveDataController the feed uses. */
export type LogLoads = Pick<
  LiveDataController,
  'load' | 'within' | 'generation' | 'isCurrent' | 'loading' | 'retryLater' | 'cancelRetry'
>;

export class LogFeed {
  buffer: LogBuffer = EMPTY_BUFFER;
  /** At the live end and sticking to it. */
  following = true;
  /** Paused by the Pause button or Space: stays paused at the bottom too, until resumed (Jump to live). */
  paused = false;
  initialLoading = true;
  loadingOlder = false;
  loadingNewer = false;
  loadingGaps = false;
  /** Live lines not shown because the buffer is away from the live end. */
  newSinceView = 0;
  /** Lines appended while the operator was scrolled up. */
  unseenBelow = 0;
  loadError: string | null = null;
  /** The first page for a filter failed: shown in place of the lines, which belonged to another filter. */
  reloadFailure: { message: string; filter: LogFilter } | null = null;
  /** Scroll work for right after the next render. */
  scroll: ScrollIntent | null = null;

  constructor(
    private readonly host: LogFeedHost,
    private readonly loads: LogLoads,
  ) {}

  /** Starts over: around the deep-linked line, or at the live end. */
  reload(): Promise<void> {
    this.initialLoading = true;
    this.loadError = null;
    this.reloadFailure = null;
    this.newSinceView = 0;
    this.unseenBelow = 0;
    const { focusLine: focus, filter } = this.host.target();
    this.host.changed();
    const fetchFirst = async (): Promise<LogBuffer> => {
      if (focus === null) return bufferFromPage(await this.host.fetchLogs({ limit: FIRST_PAGE }));
      const [before, after] = await Promise.all([
        this.host.fetchLogs({ before: focus + 1, limit: PAGE / 2 }),
        this.host.fetchLogs({ after: focus, limit: PAGE / 2 }),
      ]);
      return appendNewer(bufferFromPage(before), after);
    };
    return this.loads.load(fetchFirst, {
      apply: (first, held) => {
        if (focus !== null) {
          this.following = false;
          this.scroll = { kind: 'center', offset: focus };
        } else {
          this.following = true;
          this.paused = false;
          this.scroll = { kind: 'bottom' };
        }
        // Live batches that came while the page loaded go on top of it.
        this.buffer = held.reduce((buffer, batch) => this.applyBatch(buffer, batch).buffer, first);
        this.initialLoading = false;
        this.host.changed();
      },
      fail: (error) => {
        // The lines held are another filter's (or another run's): showing them under this filter would lie.
        this.buffer = EMPTY_BUFFER;
        this.reloadFailure = { message: errorMessage(error), filter };
        this.initialLoading = false;
        this.host.changed();
        return true;
      },
    });
  }

  /** After a fresh or refused resume: fetch what may have been missed, forward from the last line held. */
  async catchUp(): Promise<void> {
    if (this.initialLoading || this.buffer.hasNewer) return; // a load in flight, or away from the live end
    const generation = this.loads.generation;
    this.loads.cancelRetry();
    try {
      await this.catchUpFrom(generation);
      if (this.loads.isCurrent(generation) && this.loadError?.startsWith(CATCH_UP_FAILED)) this.loadError = null;
    } catch (error) {
      // A server restarting answers 503 for a moment: the lines held are still right, only the ones since may be
      // missing. Say so, and try again shortly (the socket's next resync also tries).
      if (!this.loads.isCurrent(generation)) return;
      this.loadError = `${CATCH_UP_FAILED}: ${errorMessage(error)}`;
      this.loads.retryLater(() => void this.catchUp(), CATCH_UP_RETRY_MS);
    }
    this.host.changed();
  }

  private async catchUpFrom(generation: number): Promise<void> {
    const last = lastLineOffset(this.buffer);
    if (last === null) return void this.reload();
    let after = last;
    for (let page = 0; page < MAX_CATCH_UP_PAGES; page++) {
      const response = await this.host.fetchLogs({ after, limit: PAGE });
      if (!this.loads.isCurrent(generation)) return;
      const rowsBefore = this.buffer.rows.length;
      this.buffer = appendNewer(this.buffer, response);
      // Lines caught up by REST are as new as live ones: a paused view counts them for "Jump to live"
      // (by rows added, so a line that also came live is not counted twice).
      if (this.following) this.scroll = { kind: 'bottom' };
      else this.unseenBelow += this.buffer.rows.length - rowsBefore;
      this.host.changed();
      const newest = response.lines[response.lines.length - 1];
      if (!response.hasNewer || !newest) return;
      after = newest.offset;
    }
  }

  async loadOlder(): Promise<void> {
    const first = firstLineOffset(this.buffer);
    if (this.loadingOlder || !this.buffer.hasOlder || first === null) return;
    await this.paging('loadingOlder', { before: first, limit: PAGE }, (page) => {
      const { buffer, added } = prependOlder(this.buffer, page);
      this.buffer = buffer;
      // Keep the same lines on screen: everything below moved down by the added rows.
      this.scroll = { kind: 'by', at: 0, rows: added };
    });
  }

  async loadNewer(): Promise<void> {
    const last = lastLineOffset(this.buffer);
    if (this.loadingNewer || !this.buffer.hasNewer || last === null) return;
    await this.paging('loadingNewer', { after: last, limit: PAGE }, (page) => {
      this.buffer = appendNewer(this.buffer, page);
      if (!this.buffer.hasNewer) this.newSinceView = 0;
    });
  }

  /** One older or newer page, with its loading flag; a failure shows as the load error. */
  private async paging(
    flag: 'loadingOlder' | 'loadingNewer',
    query: LogQuery,
    apply: (page: LogsResponse) => void,
  ): Promise<void> {
    const generation = this.loads.generation;
    this[flag] = true;
    this.host.changed();
    try {
      const page = await this.loads.within(() => this.host.fetchLogs(query));
      if (page !== undefined) apply(page);
    } catch (error) {
      if (this.loads.isCurrent(generation)) this.loadError = errorMessage(error);
    } finally {
      if (this.loads.isCurrent(generation)) this[flag] = false;
      this.host.changed();
    }
  }

  /** Fills every skipped range, a page at a time (a range larger than a page shrinks from its start). */
  async loadAllGaps(): Promise<void> {
    if (this.loadingGaps) return;
    this.loadingGaps = true;
    this.host.changed();
    const generation = this.loads.generation;
    try {
      for (let pages = 0; pages < MAX_GAP_PAGES && this.loads.isCurrent(generation); pages++) {
        const gap = gapsOf(this.buffer)[0];
        if (!gap) return;
        await this.loadGap(gap);
      }
    } catch (error) {
      this.loadError = errorMessage(error);
    } finally {
      this.loadingGaps = false;
      this.host.changed();
    }
  }

  async loadGap(gap: GapRow): Promise<void> {
    const page = await this.loads.within(() =>
      this.host.fetchLogs({ after: gap.afterOffset, before: gap.beforeOffset, limit: PAGE }),
    );
    if (page === undefined) return;
    const index = this.buffer.rows.findIndex((r) => r.kind === 'gap' && r.afterOffset === gap.afterOffset);
    const before = this.buffer.rows.length;
    const next = fillGap(this.buffer, gap, page, PAGE);
    this.buffer = next;
    // Rows inserted above the viewport push it down: compensate unless following the live end.
    if (!this.following && index >= 0 && this.host.rowAboveView(index)) {
      this.scroll = { kind: 'by', at: index, rows: next.rows.length - before };
    } else if (this.following) {
      this.scroll = { kind: 'bottom' };
    }
    this.host.changed();
  }

  /** Fills one gap on a click; its failure shows as the load error. */
  loadGapShowingError(gap: GapRow): void {
    this.loadGap(gap).catch((error: unknown) => {
      this.loadError = errorMessage(error);
      this.host.changed();
    });
  }

  /** This run's log lines and skipped markers of a batch, merged into a buffer under the filter. */
  private applyBatch(
    buffer: LogBuffer,
    messages: readonly LiveDataMessage[],
  ): { buffer: LogBuffer; appended: number; missed: number } {
    const { runId, filter } = this.host.target();
    let appended = 0;
    let missed = 0;
    let next = buffer;
    const matches = (line: LogLineView) => lineMatches(filter, line);
    for (const message of messages) {
      if (message.type === 'skipped' && message.runId === runId) {
        next = addGap(next, {
          afterOffset: message.afterOffset,
          beforeOffset: message.beforeOffset,
          count: isFiltered(filter) ? null : message.count,
        });
      } else if (message.type === 'logs' && message.runId === runId) {
        const result = appendLive(next, message.lines, matches);
        next = result.buffer;
        appended += result.appended;
        missed += result.missed;
      }
    }
    return { buffer: next, appended, missed };
  }

  /** A live batch; while the first page loads it is held for it (see reload). */
  onBatch(messages: readonly LiveDataMessage[]): void {
    const runId = this.host.target().runId;
    if (!messages.some((m) => (m.type === 'logs' || m.type === 'skipped') && m.runId === runId)) return;
    if (this.loads.loading) return;
    const { buffer, appended, missed } = this.applyBatch(this.buffer, messages);
    this.newSinceView += missed;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      // Any growth at the live end (lines, or a skipped-lines marker) keeps a following view at the bottom.
      if (this.following) this.scroll = { kind: 'bottom' };
      else this.unseenBelow += appended;
    }
    this.host.changed();
  }

  /** The view scrolled: follow mode is on at the live end, paused as soon as the operator scrolls away. */
  scrolled(atBottom: boolean): void {
    this.following = atBottom && !this.buffer.hasNewer && !this.paused;
    if (atBottom) this.unseenBelow = 0;
    this.host.changed();
  }

  /** Holds the view where it is while lines keep arriving (counted on the jump button). */
  pause(): void {
    this.paused = true;
    this.following = false;
    this.host.changed();
  }

  /** Back to following the live end, when the buffer holds it; returns false when it must start over there. */
  resume(): boolean {
    this.paused = false;
    if (this.buffer.hasNewer || this.host.target().focusLine !== null) return false;
    this.following = true;
    this.unseenBelow = 0;
    this.scroll = { kind: 'bottom' };
    this.host.changed();
    return true;
  }

  /** Takes the scroll work for this render. */
  takeScroll(): ScrollIntent | null {
    const scroll = this.scroll;
    this.scroll = null;
    return scroll;
  }
}
