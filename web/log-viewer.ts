// A run's log, built for long runs: the newest lines are fetched first, then live lines stream in at the
// bottom. Virtualised: only the rows in view (plus a small overscan) are in the DOM, whatever the number of
// lines held. Follow mode sticks to the live end and pauses as soon as the operator scrolls up; older pages
// load when the top comes near; filters go to the server (pages) and to the live stream alike; a marked gap
// shows where the live stream skipped lines, with a button to fetch them.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { LiveDataMessage, LogLineView, LogsResponse } from '../shared/api.js';
import { formatCount } from './format.js';
import { rowText } from './log-row-text.js';
import { DETAIL_HEIGHT, ROW_HEIGHT, logRowStyles, renderLogRow } from './log-row.js';
import { logToolbarStyles, renderLogToolbar } from './log-toolbar.js';
import {
  EMPTY_BUFFER,
  addGap,
  appendLive,
  appendNewer,
  bufferFromPage,
  fillGap,
  firstLineOffset,
  gapsOf,
  indexAtOrAfter,
  indexOfGap,
  indexOfOffset,
  lastLineOffset,
  lineCount,
  prependOlder,
  rowKey,
  skippedCount,
  type GapRow,
  type LogBuffer,
} from './log-buffer.js';
import {
  NO_FILTER,
  draftFilter,
  filterHistory,
  filterParams,
  isFiltered,
  lineMatches,
  sameFilter,
  type LogFilter,
} from './log-filter.js';
import { describeLogFilter } from './filter-description.js';
import { endWording, jumpLabel, type LogEnd } from './log-live-model.js';
import { isAtBottom, isNearBottom, isNearTop } from './log-window.js';
import {
  layoutWindow,
  scrollToRow,
  uniformLayout,
  variableLayout,
  wrappedLineCount,
  type RowLayout,
} from './log-row-layout.js';
import { initialLogWrap, storeLogWrap } from './log-wrap-setting.js';
import './log-line-detail.js';
import { routeHref } from './routes.js';
import { navigateEvent, type Services } from './services.js';
import { baseStyles } from './ui-styles.js';

export { ROW_HEIGHT };
export const OVERSCAN = 20;
/** A wrapped row shows at most this many text lines; the detail shows the rest. */
const MAX_WRAPPED_LINES = 12;
/** From this width the selected line's detail opens beside the log rather than under the line. */
const SIDE_DETAIL_QUERY = '(min-width: 1100px)';
/** Lines in the first page (newest) and in each older/newer page fetched on scroll. */
const FIRST_PAGE = 500;
const PAGE = 1000;
/** Catching up after a reconnect: beyond this many pages, stop and offer "jump to live" instead. */
const MAX_CATCH_UP_PAGES = 20;
/** A failed catch-up (server restarting) is tried again this much later. */
const CATCH_UP_RETRY_MS = 2000;
const CATCH_UP_FAILED = 'catching up after the reconnect failed';

@customElement('log-viewer')
export class LogViewer extends LitElement {
  static override styles = [
    baseStyles,
    logRowStyles,
    logToolbarStyles,
    css`
      :host {
        display: grid;
        gap: 6px;
        min-width: 0;
      }
      .frame {
        position: relative;
      }
      .viewport {
        height: max(320px, calc(100vh - 260px));
        overflow-y: auto;
        overflow-x: hidden;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 8px;
        font-family: var(--mono);
        font-size: 12px;
        overscroll-behavior: contain;
        /* The rows are recycled as the window moves: the browser must not shift scrollTop to "anchor" them. */
        overflow-anchor: none;
        contain: strict;
      }
      .sizer {
        position: relative;
      }
      .rows {
        position: absolute;
        left: 0;
        right: 0;
        top: 0;
        will-change: transform;
      }
      .gaps-banner {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 10px;
        align-items: center;
        padding: 6px 10px;
        border-radius: 8px;
        border: 1px solid var(--tone-partial);
        background: color-mix(in srgb, var(--tone-partial) 12%, transparent);
      }
      .live-controls {
        position: absolute;
        right: 18px;
        bottom: 14px;
        display: flex;
        gap: 8px;
      }
      .live-controls button {
        box-shadow: 0 2px 8px rgb(0 0 0 / 25%);
      }
      .jump {
        /* Fixed, not the theme's running tone: white text needs 4.5:1 in light and dark alike. */
        background: #1a5fd0;
        color: #fff;
        border-color: transparent;
        font-weight: 600;
      }
      .empty {
        padding: 20px;
        font-family: var(--sans);
      }
    `,
  ];

  @property({ attribute: false }) services!: Services;
  @property({ type: Number }) runId = 0;
  @property({ attribute: false }) filter: LogFilter = NO_FILTER;
  /** Byte offset of a line to show and highlight (deep link), or null for the live end. */
  @property({ attribute: false }) focusLine: number | null = null;
  @property({ attribute: false }) steps: string[] = [];
  /** Whether lines can still arrive at the end (see log-live-model): live wording only when they can. */
  @property({ attribute: false }) end: LogEnd = 'unknown';

  @state() private buffer: LogBuffer = EMPTY_BUFFER;
  @state() private viewportScrollTop = 0;
  @state() private viewportHeight = 600;
  @state() private following = true;
  /** Paused by the Pause button or Space: stays paused at the bottom too, until resumed (Jump to live). */
  @state() private paused = false;
  /** Log lines wrap instead of being cut at the viewport's edge (see log-wrap-setting). */
  @state() private wrap = initialLogWrap();
  /** Wide screen: the selected line's detail opens beside the log. */
  @state() private sideDetail = window.matchMedia(SIDE_DETAIL_QUERY).matches;
  /** Monospace columns a wrapped row holds, measured from the viewport's width. */
  @state() private columns = 80;
  @state() private initialLoading = true;
  @state() private loadingOlder = false;
  @state() private loadingNewer = false;
  /** Live lines not shown because the buffer is away from the live end. */
  @state() private newSinceView = 0;
  /** Lines appended while the operator was scrolled up. */
  @state() private unseenBelow = 0;
  @state() private loadError: string | null = null;
  private catchUpRetry: ReturnType<typeof setTimeout> | null = null;
  @state() private loadingGaps = false;
  /** The first page for a filter failed: shown in place of the lines, which belonged to another filter. */
  @state() private reloadFailure: { message: string; filter: LogFilter } | null = null;
  /** What the filter controls show while a change is not applied yet (the search box's debounce). */
  @state() private draft: LogFilter | null = null;
  @query('.viewport') private viewport!: HTMLDivElement;

  private unsubscribe: (() => void) | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private readonly sideQuery = window.matchMedia(SIDE_DETAIL_QUERY);
  private readonly onSideQuery = (): void => {
    this.sideDetail = this.sideQuery.matches;
  };
  /** The last layout and what it was built from: rebuilt only when one of them changes. */
  private layoutCache: { key: unknown[]; layout: RowLayout } | null = null;
  /** Wrapped text lines per line row, for the current column count. */
  private wrapCache = new WeakMap<object, number>();
  private wrapCacheColumns = 0;
  /** Bumped on every reset so late responses of an older load are ignored. */
  private generation = 0;
  /** Live batches received while the first page loads: applied on top of it. */
  private pendingLive: LiveDataMessage[][] | null = null;
  /** Scroll work to do right after the next render (before paint). */
  private pendingScroll:
    { kind: 'bottom' } | { kind: 'by'; at: number; rows: number } | { kind: 'center'; offset: number } | null = null;
  private scrollFrame = 0;
  private filterTimer: ReturnType<typeof setTimeout> | null = null;
  /** The current history entry is a search being typed (see filterHistory); reset when typing stops. */
  private typingEntryOpen = false;
  /** The filter this viewer last navigated to: any other change came from history or a link. */
  private appliedFilter: LogFilter | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.sideQuery.addEventListener('change', this.onSideQuery);
    if (this.runId > 0) this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.sideQuery.removeEventListener('change', this.onSideQuery);
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    if (this.filterTimer) clearTimeout(this.filterTimer);
    if (this.catchUpRetry) clearTimeout(this.catchUpRetry);
    cancelAnimationFrame(this.scrollFrame);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const runChanged = changed.has('runId') && changed.get('runId') !== undefined;
    const previousFilter = changed.get('filter');
    const filterChanged =
      changed.has('filter') && previousFilter !== undefined && !sameFilter(previousFilter, this.filter);
    if (filterChanged) {
      // (The run page passes a new but equal object on every render: only a different filter counts.)
      // The URL now says what the log is filtered by (applied, or changed by history): it wins over a draft.
      if (this.filterTimer) clearTimeout(this.filterTimer);
      this.filterTimer = null;
      this.draft = null;
      if (this.appliedFilter === null || !sameFilter(this.appliedFilter, this.filter)) this.typingEntryOpen = false;
    }
    if (runChanged) {
      this.start();
    } else if (filterChanged) {
      void this.reload();
    } else if (changed.has('focusLine') && changed.get('focusLine') !== undefined && this.focusLine !== null) {
      this.showLine(this.focusLine);
    }
  }

  protected override firstUpdated(): void {
    this.resizeObserver = new ResizeObserver(() => this.measure());
    this.resizeObserver.observe(this.viewport);
    this.measure();
  }

  private measure(): void {
    this.viewportHeight = this.viewport.clientHeight;
    const probe = this.renderRoot.querySelector<HTMLElement>('.probe');
    const charWidth = probe ? probe.getBoundingClientRect().width / 10 : 0;
    // The row's horizontal padding (10 px a side) is not text.
    if (charWidth > 0) this.columns = Math.max(10, Math.floor((this.viewport.clientWidth - 20) / charWidth));
  }

  /** The selected line's row index when its detail opens in place under it, else -1. */
  private inlineDetailIndex(): number {
    if (this.focusLine === null || this.sideDetail) return -1;
    return indexOfOffset(this.buffer, this.focusLine);
  }

  /** Where each row sits: one height each unless lines wrap, plus the in-place detail. */
  private layout(): RowLayout {
    const rows = this.buffer.rows;
    const detailAt = this.inlineDetailIndex();
    const key = [rows, this.wrap, this.columns, detailAt];
    const cached = this.layoutCache;
    if (cached && cached.key.every((value, i) => value === key[i])) return cached.layout;
    let layout: RowLayout;
    if (!this.wrap) layout = uniformLayout(rows.length, ROW_HEIGHT, detailAt, DETAIL_HEIGHT);
    else {
      if (this.wrapCacheColumns !== this.columns) {
        this.wrapCache = new WeakMap();
        this.wrapCacheColumns = this.columns;
      }
      const heights = rows.map((row, i) => {
        let lines = 1;
        if (row.kind === 'line') {
          lines = this.wrapCache.get(row) ?? wrappedLineCount(rowText(row.line), this.columns, MAX_WRAPPED_LINES);
          this.wrapCache.set(row, lines);
        }
        return lines * ROW_HEIGHT + (i === detailAt ? DETAIL_HEIGHT : 0);
      });
      layout = variableLayout(heights);
    }
    this.layoutCache = { key, layout };
    return layout;
  }

  protected override updated(): void {
    const viewport = this.viewport;
    const pending = this.pendingScroll;
    this.pendingScroll = null;
    if (!viewport) return;
    if (!pending) {
      // Following means at the live end: rows that changed height (wrapping measured, a detail opened) keep it.
      if (this.following && !isAtBottom(viewport.scrollTop, viewport.clientHeight, viewport.scrollHeight))
        viewport.scrollTop = viewport.scrollHeight;
      return;
    }
    if (pending.kind === 'bottom') viewport.scrollTop = viewport.scrollHeight;
    else if (pending.kind === 'by') {
      const layout = this.layout();
      viewport.scrollTop += layout.top(pending.at + pending.rows) - layout.top(pending.at);
    } else {
      // The nearest row when the offset is not a line start (a hand-edited link).
      const index = Math.min(indexAtOrAfter(this.buffer, pending.offset), this.buffer.rows.length - 1);
      viewport.scrollTop = scrollToRow(this.layout(), Math.max(0, index), viewport.clientHeight);
    }
    this.viewportScrollTop = viewport.scrollTop;
  }

  // ---- loading ----

  private start(): void {
    if (!this.services) return;
    this.unsubscribe?.();
    const runId = this.runId;
    this.unsubscribe = this.services.live.subscribe({
      topics: [{ kind: 'run', runId }],
      onBatch: (messages) => this.onBatch(messages),
      onResync: () => void this.catchUp(),
    });
    void this.reload();
  }

  private async fetchLogs(query: { after?: number; before?: number; limit: number }): Promise<LogsResponse> {
    return this.services.api.logs(this.runId, { ...query, ...filterParams(this.filter) });
  }

  /** Starts over: around the deep-linked line, or at the live end. */
  private async reload(): Promise<void> {
    const generation = ++this.generation;
    this.initialLoading = true;
    this.loadError = null;
    this.reloadFailure = null;
    this.pendingLive = [];
    this.newSinceView = 0;
    this.unseenBelow = 0;
    const focus = this.focusLine;
    try {
      let buffer: LogBuffer;
      if (focus !== null) {
        const [before, after] = await Promise.all([
          this.fetchLogs({ before: focus + 1, limit: PAGE / 2 }),
          this.fetchLogs({ after: focus, limit: PAGE / 2 }),
        ]);
        if (generation !== this.generation) return;
        buffer = appendNewer(bufferFromPage(before), after);
        this.following = false;
        this.pendingScroll = { kind: 'center', offset: focus };
      } else {
        const page = await this.fetchLogs({ limit: FIRST_PAGE });
        if (generation !== this.generation) return;
        buffer = bufferFromPage(page);
        this.following = true;
        this.paused = false;
        this.pendingScroll = { kind: 'bottom' };
      }
      for (const batch of this.pendingLive ?? []) buffer = this.applyBatch(buffer, batch).buffer;
      this.buffer = buffer;
    } catch (error) {
      if (generation === this.generation) {
        // The lines held are another filter's (or another run's): showing them under this filter would lie.
        this.buffer = EMPTY_BUFFER;
        this.reloadFailure = { message: error instanceof Error ? error.message : String(error), filter: this.filter };
      }
    } finally {
      if (generation === this.generation) {
        this.pendingLive = null;
        this.initialLoading = false;
      }
    }
  }

  /** After a fresh or refused resume: fetch what may have been missed, forward from the last line held. */
  private async catchUp(): Promise<void> {
    if (this.initialLoading || this.buffer.hasNewer) return; // a load in flight, or away from the live end
    const generation = this.generation;
    if (this.catchUpRetry) clearTimeout(this.catchUpRetry);
    this.catchUpRetry = null;
    try {
      await this.catchUpFrom(generation);
      if (generation === this.generation && this.loadError?.startsWith(CATCH_UP_FAILED)) this.loadError = null;
    } catch (error) {
      // A server restarting answers 503 for a moment: the lines held are still right, only the ones since may be
      // missing. Say so, and try again shortly (the socket's next resync also tries).
      if (generation !== this.generation) return;
      this.loadError = `${CATCH_UP_FAILED}: ${error instanceof Error ? error.message : String(error)}`;
      this.catchUpRetry = setTimeout(() => void this.catchUp(), CATCH_UP_RETRY_MS);
    }
  }

  private async catchUpFrom(generation: number): Promise<void> {
    const last = lastLineOffset(this.buffer);
    if (last === null) return void this.reload();
    let after = last;
    for (let page = 0; page < MAX_CATCH_UP_PAGES; page++) {
      const response = await this.fetchLogs({ after, limit: PAGE });
      if (generation !== this.generation) return;
      const rowsBefore = this.buffer.rows.length;
      this.buffer = appendNewer(this.buffer, response);
      // Lines caught up by REST are as new as live ones: a paused view counts them for "Jump to live"
      // (by rows added, so a line that also came live is not counted twice).
      if (this.following) this.pendingScroll = { kind: 'bottom' };
      else this.unseenBelow += this.buffer.rows.length - rowsBefore;
      const newest = response.lines[response.lines.length - 1];
      if (!response.hasNewer || !newest) return;
      after = newest.offset;
    }
  }

  private async loadOlder(): Promise<void> {
    const first = firstLineOffset(this.buffer);
    if (this.loadingOlder || !this.buffer.hasOlder || first === null) return;
    const generation = this.generation;
    this.loadingOlder = true;
    try {
      const page = await this.fetchLogs({ before: first, limit: PAGE });
      if (generation !== this.generation) return;
      const { buffer, added } = prependOlder(this.buffer, page);
      this.buffer = buffer;
      // Keep the same lines on screen: everything below moved down by the added rows.
      this.pendingScroll = { kind: 'by', at: 0, rows: added };
    } catch (error) {
      if (generation === this.generation) this.loadError = error instanceof Error ? error.message : String(error);
    } finally {
      if (generation === this.generation) this.loadingOlder = false;
    }
  }

  private async loadNewer(): Promise<void> {
    const last = lastLineOffset(this.buffer);
    if (this.loadingNewer || !this.buffer.hasNewer || last === null) return;
    const generation = this.generation;
    this.loadingNewer = true;
    try {
      const page = await this.fetchLogs({ after: last, limit: PAGE });
      if (generation !== this.generation) return;
      this.buffer = appendNewer(this.buffer, page);
      if (!this.buffer.hasNewer) this.newSinceView = 0;
    } catch (error) {
      if (generation === this.generation) this.loadError = error instanceof Error ? error.message : String(error);
    } finally {
      if (generation === this.generation) this.loadingNewer = false;
    }
  }

  /** Fills every skipped range, a page at a time (a range larger than a page shrinks from its start). */
  private async loadAllGaps(): Promise<void> {
    if (this.loadingGaps) return;
    this.loadingGaps = true;
    const generation = this.generation;
    try {
      for (let pages = 0; pages < 500 && generation === this.generation; pages++) {
        const gap = gapsOf(this.buffer)[0];
        if (!gap) return;
        await this.loadGap(gap);
      }
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
    } finally {
      this.loadingGaps = false;
    }
  }

  private showFirstGap(): void {
    const gap = gapsOf(this.buffer)[0];
    if (!gap) return;
    const index = indexOfGap(this.buffer, gap.afterOffset);
    if (index < 0) return;
    this.following = false;
    this.viewport.scrollTop = scrollToRow(this.layout(), index, this.viewport.clientHeight);
  }

  private async loadGap(gap: GapRow): Promise<void> {
    const generation = this.generation;
    const page = await this.fetchLogs({ after: gap.afterOffset, before: gap.beforeOffset, limit: PAGE });
    if (generation !== this.generation) return;
    const index = this.buffer.rows.findIndex((r) => r.kind === 'gap' && r.afterOffset === gap.afterOffset);
    const before = this.buffer.rows.length;
    const next = fillGap(this.buffer, gap, page, PAGE);
    this.buffer = next;
    // Rows inserted above the viewport push it down: compensate unless following the live end.
    if (!this.following && index >= 0 && this.layout().top(index) < this.viewport.scrollTop) {
      this.pendingScroll = { kind: 'by', at: index, rows: next.rows.length - before };
    } else if (this.following) {
      this.pendingScroll = { kind: 'bottom' };
    }
  }

  // ---- live ----

  private applyBatch(
    buffer: LogBuffer,
    messages: readonly LiveDataMessage[],
  ): { buffer: LogBuffer; appended: number; missed: number } {
    let appended = 0;
    let missed = 0;
    let next = buffer;
    const matches = (line: LogLineView) => lineMatches(this.filter, line);
    for (const message of messages) {
      if (message.type === 'skipped' && message.runId === this.runId) {
        next = addGap(next, {
          afterOffset: message.afterOffset,
          beforeOffset: message.beforeOffset,
          count: isFiltered(this.filter) ? null : message.count,
        });
      } else if (message.type === 'logs' && message.runId === this.runId) {
        const result = appendLive(next, message.lines, matches);
        next = result.buffer;
        appended += result.appended;
        missed += result.missed;
      }
    }
    return { buffer: next, appended, missed };
  }

  private onBatch(messages: readonly LiveDataMessage[]): void {
    if (!messages.some((m) => (m.type === 'logs' || m.type === 'skipped') && m.runId === this.runId)) return;
    if (this.pendingLive !== null) {
      this.pendingLive.push([...messages]);
      return;
    }
    const { buffer, appended, missed } = this.applyBatch(this.buffer, messages);
    if (buffer === this.buffer) {
      this.newSinceView += missed;
      return;
    }
    this.buffer = buffer;
    this.newSinceView += missed;
    // Any growth at the live end (lines, or a skipped-lines marker) keeps a following view at the bottom.
    if (this.following) this.pendingScroll = { kind: 'bottom' };
    else this.unseenBelow += appended;
  }

  // ---- interaction ----

  private onScroll(): void {
    cancelAnimationFrame(this.scrollFrame);
    this.scrollFrame = requestAnimationFrame(() => {
      const viewport = this.viewport;
      if (!viewport) return;
      this.viewportScrollTop = viewport.scrollTop;
      const atBottom = isAtBottom(viewport.scrollTop, viewport.clientHeight, viewport.scrollHeight);
      // Follow mode: on at the live end, paused as soon as the operator scrolls away from it.
      this.following = atBottom && !this.buffer.hasNewer && !this.paused;
      if (atBottom) this.unseenBelow = 0;
      if (isNearTop(viewport.scrollTop, viewport.clientHeight)) void this.loadOlder();
      if (isNearBottom(viewport.scrollTop, viewport.clientHeight, viewport.scrollHeight)) void this.loadNewer();
    });
  }

  /** Holds the view where it is while lines keep arriving (counted on the jump button). */
  private pause(): void {
    this.paused = true;
    this.following = false;
  }

  private jumpToLive(): void {
    this.paused = false;
    if (this.buffer.hasNewer || this.focusLine !== null) {
      // Away from the live end: start over at it (and drop the line deep link).
      this.dispatchEvent(navigateEvent(this.hrefFor(null), true));
      if (this.focusLine === null) void this.reload();
      return;
    }
    this.following = true;
    this.unseenBelow = 0;
    this.pendingScroll = { kind: 'bottom' };
    this.requestUpdate();
  }

  /** The deep-linked line changed (a click on a row, or history): select it, loading around it if needed. */
  private showLine(offset: number): void {
    if (indexOfOffset(this.buffer, offset) >= 0) {
      this.following = false;
      const index = indexOfOffset(this.buffer, offset);
      const layout = this.layout();
      const top = layout.top(index);
      // With the detail opened in place, the line and its detail should both be in view.
      const bottom = top + Math.min(layout.height(index), this.viewport?.clientHeight ?? 0);
      const viewport = this.viewport;
      if (viewport && (top < viewport.scrollTop || bottom > viewport.scrollTop + viewport.clientHeight)) {
        this.pendingScroll = { kind: 'center', offset };
      }
      return;
    }
    void this.reload();
  }

  private hrefFor(line: number | null): string {
    return routeHref({ view: 'run', runId: this.runId, line, ...this.filter });
  }

  private setFilter(patch: Partial<LogFilter>, debounce: boolean): void {
    if (this.filterTimer) clearTimeout(this.filterTimer);
    this.filterTimer = null;
    const filter = draftFilter(this.filter, this.draft, patch);
    this.draft = filter;
    const apply = () => {
      this.filterTimer = null;
      const history = filterHistory(debounce ? 'typing' : 'pick', this.typingEntryOpen);
      this.typingEntryOpen = history.typingEntryOpen;
      this.appliedFilter = filter;
      // A filter change starts at the live end of the filtered log.
      this.dispatchEvent(
        navigateEvent(routeHref({ view: 'run', runId: this.runId, line: null, ...filter }), history.replace),
      );
    };
    if (debounce) this.filterTimer = setTimeout(apply, 300);
    else apply();
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key === ' ' && this.end === 'live') {
      // Space pauses and resumes the live log (instead of scrolling a page down), as log viewers do.
      event.preventDefault();
      if (this.following) this.pause();
      else this.jumpToLive();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Escape') return;
    if (event.key === 'Escape') {
      if (this.focusLine !== null) this.dispatchEvent(navigateEvent(this.hrefFor(null), true));
      return;
    }
    // Arrow keys move the selected line (and the deep link) instead of only scrolling.
    const rows = this.buffer.rows;
    let index = this.focusLine === null ? -1 : indexOfOffset(this.buffer, this.focusLine);
    // Without a selection, start from the middle of what is on screen (or the last row of a short log).
    if (index < 0)
      index = rows.length === 0 ? 0 : this.layout().indexAt(this.viewport.scrollTop + this.viewport.clientHeight / 2);
    const step = event.key === 'ArrowDown' ? 1 : -1;
    for (let i = index + step; i >= 0 && i < rows.length; i += step) {
      const row = rows[i]!;
      if (row.kind === 'line') {
        event.preventDefault();
        this.dispatchEvent(navigateEvent(this.hrefFor(row.line.offset), true));
        return;
      }
    }
  }

  // ---- rendering ----

  /** The selected line, if it is loaded. */
  private selectedLine(): LogLineView | null {
    if (this.focusLine === null) return null;
    const row = this.buffer.rows[indexOfOffset(this.buffer, this.focusLine)];
    return row?.kind === 'line' ? row.line : null;
  }

  private renderDetail(line: LogLineView) {
    return html`<log-line-detail
      .line=${line}
      href=${this.hrefFor(line.offset)}
      @close=${() => this.dispatchEvent(navigateEvent(this.hrefFor(null), true))}
    ></log-line-detail>`;
  }

  /**
   * The rows in the window, with the selected line's detail in place under it. Keyed by line, so a row's element
   * stays with its line while the window scrolls: focus and a pointer press land on the line they started on.
   */
  private renderRows(layout: RowLayout, start: number, end: number) {
    const rows = this.buffer.rows;
    const detailAt = this.inlineDetailIndex();
    const selected = this.selectedLine();
    const items: { key: string; template: unknown }[] = [];
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      const height = layout.height(i) - (i === detailAt ? DETAIL_HEIGHT : 0);
      items.push({
        key: rowKey(row),
        template: renderLogRow(row, {
          height,
          wrap: this.wrap,
          selected: row.kind === 'line' && row.line.offset === this.focusLine,
          href: (offset) => this.hrefFor(offset),
          loadGap: (gap) =>
            void this.loadGap(gap).catch((error: unknown) => {
              this.loadError = error instanceof Error ? error.message : String(error);
            }),
        }),
      });
      if (i === detailAt && selected !== null)
        items.push({ key: 'detail', template: html`<div class="detail-slot">${this.renderDetail(selected)}</div>` });
    }
    return repeat(
      items,
      (item) => item.key,
      (item) => item.template,
    );
  }

  private toggleWrap(wrap: boolean): void {
    storeLogWrap(wrap);
    this.wrap = wrap;
    // The rows change height: keep the live end in view when following.
    if (this.following) this.pendingScroll = { kind: 'bottom' };
  }

  private renderGapsBanner() {
    const gaps = gapsOf(this.buffer);
    if (gaps.length === 0) return nothing;
    const skipped = skippedCount(gaps);
    const what = skipped === null ? 'Some lines' : `${formatCount(skipped)} lines`;
    return html`<div class="gaps-banner" role="status" data-gap-count=${gaps.length} data-skipped=${skipped ?? ''}>
      <span
        >⚠ ${what} ${gaps.length === 1 ? 'were' : `in ${gaps.length} places were`} not streamed live (the connection was
        busy).</span
      >
      <button @click=${() => this.showFirstGap()}>Show</button>
      <button ?disabled=${this.loadingGaps} @click=${() => void this.loadAllGaps()}>
        ${this.loadingGaps ? 'Loading…' : 'Load them'}
      </button>
    </div>`;
  }

  private statusText(): string {
    const lines = lineCount(this.buffer);
    const parts = [`${formatCount(lines)} lines loaded`];
    if (this.loadingOlder) parts.push('loading older…');
    else if (!this.buffer.hasOlder && lines > 0) parts.push('from the start');
    if (this.buffer.hasNewer) parts.push(this.loadingNewer ? 'loading newer…' : 'newer lines not loaded');
    else {
      const wording = endWording(this.end, this.following);
      if (wording !== '') parts.push(wording);
    }
    return parts.join(' · ');
  }

  override render() {
    const rows = this.buffer.rows;
    const layout = this.layout();
    const win = layoutWindow(layout, this.viewportScrollTop, this.viewportHeight, OVERSCAN);
    const selected = this.selectedLine();
    const side = this.sideDetail && selected !== null;
    // The controls show pending changes too, so what was typed never disappears before it applies.
    const shown = this.draft ?? this.filter;
    const jump = jumpLabel(
      this.end,
      this.newSinceView > 0 || this.buffer.hasNewer ? this.newSinceView : this.unseenBelow,
    );
    return html`
      ${renderLogToolbar({
        shown,
        steps: this.steps,
        wrap: this.wrap,
        downloadUrl: this.services?.api.logDownloadUrl(this.runId) ?? '#',
        status: this.statusText(),
        following: this.following,
        setFilter: (patch, debounce) => this.setFilter(patch, debounce),
        searchBlurred: () => (this.typingEntryOpen = false),
        toggleWrap: (wrap) => this.toggleWrap(wrap),
      })}
      ${this.loadError ? html`<p class="error-text" role="alert">Could not load log lines: ${this.loadError}</p>` : null}
      ${this.renderGapsBanner()}
      <div class="body ${side ? 'side' : ''}">
        <div class="frame">
          <span class="probe" aria-hidden="true">0000000000</span>
          <div
            class="viewport"
            tabindex="0"
            role="region"
            aria-label="Log lines, oldest at the top; arrow keys select a line"
            aria-busy=${this.initialLoading ? 'true' : 'false'}
            data-row-count=${rows.length}
            @scroll=${() => this.onScroll()}
            @keydown=${(e: KeyboardEvent) => this.onKeyDown(e)}
          >
            ${
              this.reloadFailure !== null
                ? html`<div class="empty" role="alert">
                    <p class="error-text">
                      Could not load log lines for ${describeLogFilter(this.reloadFailure.filter)}:
                      ${this.reloadFailure.message}
                    </p>
                    <button @click=${() => void this.reload()}>Retry</button>
                  </div>`
                : null
            }
            ${
              !this.initialLoading && rows.length === 0 && this.reloadFailure === null
                ? html`<div class="empty muted">
                    ${isFiltered(this.filter) ? 'No lines match these filters.' : 'No log lines yet.'}
                  </div>`
                : null
            }
            <div class="sizer" style=${styleMap({ height: `${win.totalHeight}px` })}>
              <div class="rows" style=${styleMap({ transform: `translateY(${win.offsetTop}px)` })}>
                ${this.renderRows(layout, win.start, win.end)}
              </div>
            </div>
          </div>
          <div class="live-controls">
            ${
              this.end === 'live' && this.following && !this.buffer.hasNewer
                ? html`<button class="pause" title="Pause the live log (Space)" @click=${() => this.pause()}>
                    Pause ⏸
                  </button>`
                : null
            }
            ${
              !this.following || this.buffer.hasNewer
                ? html`<button class="jump" title="Resume following (Space)" @click=${() => this.jumpToLive()}>
                    ${jump} ↓
                  </button>`
                : null
            }
          </div>
        </div>
        ${side ? html`<div class="side-detail">${this.renderDetail(selected)}</div>` : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'log-viewer': LogViewer;
  }
}
