// A run's log, built for long runs: the newest lines are fetched first, then live lines stream in at the
// bottom. Virtualised: only the rows in view (plus a small overscan) are in the DOM, whatever the number of
// lines held. Follow mode sticks to the live end and pauses as soon as the operator scrolls up; older pages
// load when the top comes near; filters go to the server (pages) and to the live stream alike; a marked gap
// shows where the live stream skipped lines, with a button to fetch them. The lines and their loading live in
// log-feed (DOM-free); this element measures, scrolls, handles keys and renders, which is why it is a little
// over 350 lines: the scroll maths and the row window belong with the viewport they move.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { LogLineView } from '../shared/api.js';
import { LogLayoutCache } from './log-layout-cache.js';
import { DETAIL_HEIGHT, ROW_HEIGHT, logRowStyles, renderLogRow } from './log-row.js';
import { logToolbarStyles, renderLogToolbar } from './log-toolbar.js';
import { gapsOf, indexAtOrAfter, indexOfGap, indexOfOffset, lineBeside, rowKey } from './log-buffer.js';
import { NO_FILTER, filterParams, sameFilter, type LogFilter } from './log-filter.js';
import type { LogEnd } from './log-live-model.js';
import { isAtBottom, isNearBottom, isNearTop, snapsToLiveEnd } from './log-window.js';
import { layoutWindow, scrollToRow, type RowLayout } from './log-row-layout.js';
import { initialLogWrap, storeLogWrap } from './log-wrap-setting.js';
import './log-line-detail.js';
import { routeHref } from './routes.js';
import { navigateEvent, type Services } from './services.js';
import { baseStyles } from './ui-styles.js';
import { LiveDataController } from './live-data-controller.js';
import { LogFeed } from './log-feed.js';
import { logViewerStyles } from './log-viewer-styles.js';
import { LogFilterDraft } from './log-filter-draft.js';
import { logStatusText, renderGapsBanner, renderLiveControls, renderViewportNotice } from './log-viewer-parts.js';

export { ROW_HEIGHT };
export const OVERSCAN = 20;
/** A wrapped row shows at most this many text lines; the detail shows the rest. */
const MAX_WRAPPED_LINES = 12;
/** From this width the selected line's detail opens beside the log rather than under the line. */
const SIDE_DETAIL_QUERY = '(min-width: 1100px)';

@customElement('log-viewer')
export class LogViewer extends LitElement {
  static override styles = [baseStyles, logRowStyles, logToolbarStyles, logViewerStyles];

  @property({ attribute: false }) services!: Services;
  @property({ type: Number }) runId = 0;
  @property({ attribute: false }) filter: LogFilter = NO_FILTER;
  /** Byte offset of a line to show and highlight (deep link), or null for the live end. */
  @property({ attribute: false }) focusLine: number | null = null;
  @property({ attribute: false }) steps: string[] = [];
  /** Whether lines can still arrive at the end (see log-live-model): live wording only when they can. */
  @property({ attribute: false }) end: LogEnd = 'unknown';

  @state() private viewportScrollTop = 0;
  @state() private viewportHeight = 600;
  /** Log lines wrap instead of being cut at the viewport's edge (see log-wrap-setting). */
  @state() private wrap = initialLogWrap();
  /** Wide screen: the selected line's detail opens beside the log. */
  @state() private sideDetail = window.matchMedia(SIDE_DETAIL_QUERY).matches;
  /** Monospace columns a wrapped row holds, measured from the viewport's width. */
  @state() private columns = 80;
  @query('.viewport') private viewport!: HTMLDivElement;

  private readonly live: LiveDataController = new LiveDataController(this, {
    source: () => this.services?.live,
    topics: () => (this.runId > 0 ? [{ kind: 'run', runId: this.runId }] : null),
    reload: () => void this.feed.reload(),
    onBatch: (messages) => this.feed.onBatch(messages),
    onResync: () => void this.feed.catchUp(),
  });
  private readonly feed: LogFeed = new LogFeed(
    {
      target: () => this,
      fetchLogs: (query) => this.services.api.logs(this.runId, { ...query, ...filterParams(this.filter) }),
      rowAboveView: (index) => this.layout().top(index) < this.viewport.scrollTop,
      changed: () => this.requestUpdate(),
    },
    this.live,
  );
  private resizeObserver: ResizeObserver | null = null;
  private readonly sideQuery = window.matchMedia(SIDE_DETAIL_QUERY);
  private readonly onSideQuery = (): void => {
    this.sideDetail = this.sideQuery.matches;
  };
  private readonly layoutCache = new LogLayoutCache(ROW_HEIGHT, DETAIL_HEIGHT, MAX_WRAPPED_LINES);
  private scrollFrame = 0;
  private readonly filterDraft = new LogFilterDraft(this, (filter, replace) =>
    // A filter change starts at the live end of the filtered log.
    this.dispatchEvent(navigateEvent(routeHref({ view: 'run', runId: this.runId, line: null, ...filter }), replace)),
  );

  override connectedCallback(): void {
    super.connectedCallback();
    this.sideQuery.addEventListener('change', this.onSideQuery);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.sideQuery.removeEventListener('change', this.onSideQuery);
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    cancelAnimationFrame(this.scrollFrame);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new run subscribes to its topic (and starts over below).
    const runChanged = changed.has('runId') && this.live.resubscribe();
    const previousFilter = changed.get('filter');
    const filterChanged =
      changed.has('filter') && previousFilter !== undefined && !sameFilter(previousFilter, this.filter);
    if (filterChanged) {
      // (The run page passes a new but equal object on every render: only a different filter counts.)
      this.filterDraft.urlChanged(this.filter);
    }
    if (runChanged || filterChanged) {
      void this.feed.reload();
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
    return indexOfOffset(this.feed.buffer, this.focusLine);
  }

  /** Where each row sits: one height each unless lines wrap, plus the in-place detail. */
  private layout(): RowLayout {
    return this.layoutCache.layout({
      rows: this.feed.buffer.rows,
      wrap: this.wrap,
      columns: this.columns,
      detailAt: this.inlineDetailIndex(),
    });
  }

  protected override updated(): void {
    const viewport = this.viewport;
    const pending = this.feed.takeScroll();
    if (!viewport) return;
    if (!pending) {
      // Following means at the live end: rows that changed height (wrapping measured, a detail opened) keep it.
      const view = {
        scrollTop: viewport.scrollTop,
        lastSeenTop: this.viewportScrollTop,
        viewportHeight: viewport.clientHeight,
        scrollHeight: viewport.scrollHeight,
      };
      if (snapsToLiveEnd(this.feed.following, view)) viewport.scrollTop = viewport.scrollHeight;
      return;
    }
    if (pending.kind === 'bottom') viewport.scrollTop = viewport.scrollHeight;
    else if (pending.kind === 'by') {
      const layout = this.layout();
      viewport.scrollTop += layout.top(pending.at + pending.rows) - layout.top(pending.at);
    } else {
      // The nearest row when the offset is not a line start (a hand-edited link).
      const index = Math.min(indexAtOrAfter(this.feed.buffer, pending.offset), this.feed.buffer.rows.length - 1);
      viewport.scrollTop = scrollToRow(this.layout(), Math.max(0, index), viewport.clientHeight);
    }
    this.viewportScrollTop = viewport.scrollTop;
  }

  private showFirstGap(): void {
    const gap = gapsOf(this.feed.buffer)[0];
    if (!gap) return;
    const index = indexOfGap(this.feed.buffer, gap.afterOffset);
    if (index < 0) return;
    this.feed.following = false;
    this.viewport.scrollTop = scrollToRow(this.layout(), index, this.viewport.clientHeight);
    this.requestUpdate();
  }

  // ---- interaction ----

  private onScroll(): void {
    cancelAnimationFrame(this.scrollFrame);
    this.scrollFrame = requestAnimationFrame(() => {
      const viewport = this.viewport;
      if (!viewport) return;
      this.viewportScrollTop = viewport.scrollTop;
      const atBottom = isAtBottom(viewport.scrollTop, viewport.clientHeight, viewport.scrollHeight);
      this.feed.scrolled(atBottom);
      if (isNearTop(viewport.scrollTop, viewport.clientHeight)) void this.feed.loadOlder();
      if (isNearBottom(viewport.scrollTop, viewport.clientHeight, viewport.scrollHeight)) void this.feed.loadNewer();
    });
  }

  private jumpToLive(): void {
    if (this.feed.resume()) return;
    // Away from the live end: start over at it (and drop the line deep link).
    this.dispatchEvent(navigateEvent(this.hrefFor(null), true));
    if (this.focusLine === null) void this.feed.reload();
  }

  /** The deep-linked line changed (a click on a row, or history): select it, loading around it if needed. */
  private showLine(offset: number): void {
    if (indexOfOffset(this.feed.buffer, offset) >= 0) {
      this.feed.following = false;
      this.requestUpdate();
      const index = indexOfOffset(this.feed.buffer, offset);
      const layout = this.layout();
      const top = layout.top(index);
      // With the detail opened in place, the line and its detail should both be in view.
      const bottom = top + Math.min(layout.height(index), this.viewport?.clientHeight ?? 0);
      const viewport = this.viewport;
      if (viewport && (top < viewport.scrollTop || bottom > viewport.scrollTop + viewport.clientHeight)) {
        this.feed.scroll = { kind: 'center', offset };
      }
      return;
    }
    void this.feed.reload();
  }

  private hrefFor(line: number | null): string {
    return routeHref({ view: 'run', runId: this.runId, line, ...this.filter });
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key === ' ' && this.end === 'live') {
      // Space pauses and resumes the live log (instead of scrolling a page down), as log viewers do.
      event.preventDefault();
      if (this.feed.following) this.feed.pause();
      else this.jumpToLive();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Escape') return;
    if (event.key === 'Escape') {
      if (this.focusLine !== null) this.dispatchEvent(navigateEvent(this.hrefFor(null), true));
      return;
    }
    // Arrow keys move the selected line (and the deep link) instead of only scrolling.
    let index = this.focusLine === null ? -1 : indexOfOffset(this.feed.buffer, this.focusLine);
    // Without a selection, start from the middle of what is on screen (or the last row of a short log).
    if (index < 0)
      index =
        this.feed.buffer.rows.length === 0
          ? 0
          : this.layout().indexAt(this.viewport.scrollTop + this.viewport.clientHeight / 2);
    const line = lineBeside(this.feed.buffer, index, event.key === 'ArrowDown' ? 1 : -1);
    if (line === null) return;
    event.preventDefault();
    this.dispatchEvent(navigateEvent(this.hrefFor(line.offset), true));
  }

  // ---- rendering ----

  /** The selected line, if it is loaded. */
  private selectedLine(): LogLineView | null {
    if (this.focusLine === null) return null;
    const row = this.feed.buffer.rows[indexOfOffset(this.feed.buffer, this.focusLine)];
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
    const rows = this.feed.buffer.rows;
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
          loadGap: (gap) => this.feed.loadGapShowingError(gap),
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
    if (this.feed.following) this.feed.scroll = { kind: 'bottom' };
  }

  override render() {
    const rows = this.feed.buffer.rows;
    const layout = this.layout();
    const win = layoutWindow(layout, this.viewportScrollTop, this.viewportHeight, OVERSCAN);
    const selected = this.selectedLine();
    const side = this.sideDetail && selected !== null;
    // The controls show pending changes too, so what was typed never disappears before it applies.
    const shown = this.filterDraft.draft ?? this.filter;
    return html`
      ${renderLogToolbar({
        shown,
        steps: this.steps,
        wrap: this.wrap,
        downloadUrl: this.services?.api.logDownloadUrl(this.runId) ?? '#',
        status: logStatusText(this.feed, this.end),
        following: this.feed.following,
        setFilter: (patch, debounce) => this.filterDraft.set(this.filter, patch, debounce),
        searchBlurred: () => this.filterDraft.searchBlurred(),
        toggleWrap: (wrap) => this.toggleWrap(wrap),
      })}
      ${this.feed.loadError ? html`<p class="error-text" role="alert">Could not load log lines: ${this.feed.loadError}</p>` : null}
      ${renderGapsBanner(this.feed, { show: () => this.showFirstGap(), loadAll: () => void this.feed.loadAllGaps() })}
      <div class="body ${side ? 'side' : ''}">
        <div class="frame">
          <span class="probe" aria-hidden="true">0000000000</span>
          <div
            class="viewport"
            tabindex="0"
            role="region"
            aria-label="Log lines, oldest at the top; arrow keys select a line"
            aria-busy=${this.feed.initialLoading ? 'true' : 'false'}
            data-row-count=${rows.length}
            @scroll=${() => this.onScroll()}
            @keydown=${(e: KeyboardEvent) => this.onKeyDown(e)}
          >
            ${renderViewportNotice(this.feed, this.filter, () => void this.feed.reload())}
            <div class="sizer" style=${styleMap({ height: `${win.totalHeight}px` })}>
              <div class="rows" style=${styleMap({ transform: `translateY(${win.offsetTop}px)` })}>
                ${this.renderRows(layout, win.start, win.end)}
              </div>
            </div>
          </div>
          ${renderLiveControls(this.feed, this.end, { pause: () => this.feed.pause(), jump: () => this.jumpToLive() })}
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
