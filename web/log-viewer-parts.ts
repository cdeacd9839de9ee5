// The log viewer's smaller pieces, as render functions of the feed's state (like log-toolbar): the status line,
// the banner for lines the live stream skipped, the notice in an empty viewport, and the Pause / Jump controls.
import { html, nothing } from 'lit';
import { formatCount } from './format.js';
import { gapsOf, lineCount, skippedCount } from './log-buffer.js';
import type { LogFeed } from './log-feed.js';
import { isFiltered, type LogFilter } from './log-filter.js';
import { describeLogFilter } from './filter-description.js';
import { endWording, jumpLabel, type LogEnd } from './log-live-model.js';

type FeedState = Pick<
  LogFeed,
  | 'buffer'
  | 'following'
  | 'loadingOlder'
  | 'loadingNewer'
  | 'loadingGaps'
  | 'initialLoading'
  | 'reloadFailure'
  | 'newSinceView'
  | 'unseenBelow'
>;

export function logStatusText(feed: FeedState, end: LogEnd): string {
  const lines = lineCount(feed.buffer);
  const parts = [`${formatCount(lines)} lines loaded`];
  if (feed.loadingOlder) parts.push('loading older…');
  else if (!feed.buffer.hasOlder && lines > 0) parts.push('from the start');
  if (feed.buffer.hasNewer) parts.push(feed.loadingNewer ? 'loading newer…' : 'newer lines not loaded');
  else {
    const wording = endWording(end, feed.following);
    if (wording !== '') parts.push(wording);
  }
  return parts.join(' · ');
}

export function renderGapsBanner(feed: FeedState, actions: { show: () => void; loadAll: () => void }) {
  const gaps = gapsOf(feed.buffer);
  if (gaps.length === 0) return nothing;
  const skipped = skippedCount(gaps);
  const what = skipped === null ? 'Some lines' : `${formatCount(skipped)} lines`;
  return html`<div class="gaps-banner" role="status" data-gap-count=${gaps.length} data-skipped=${skipped ?? ''}>
    <span
      >⚠ ${what} ${gaps.length === 1 ? 'were' : `in ${gaps.length} places were`} not streamed live (the connection was
      busy).</span
    >
    <button @click=${actions.show}>Show</button>
    <button ?disabled=${feed.loadingGaps} @click=${actions.loadAll}>
      ${feed.loadingGaps ? 'Loading…' : 'Load them'}
    </button>
  </div>`;
}

/** What an empty viewport says: the first page failed (with Retry), or no line (matches). */
export function renderViewportNotice(feed: FeedState, filter: LogFilter, retry: () => void) {
  if (feed.reloadFailure !== null)
    return html`<div class="empty" role="alert">
      <p class="error-text">
        Could not load log lines for ${describeLogFilter(feed.reloadFailure.filter)}: ${feed.reloadFailure.message}
      </p>
      <button @click=${retry}>Retry</button>
    </div>`;
  if (!feed.initialLoading && feed.buffer.rows.length === 0)
    return html`<div class="empty muted">
      ${isFiltered(filter) ? 'No lines match these filters.' : 'No log lines yet.'}
    </div>`;
  return nothing;
}

export function renderLiveControls(feed: FeedState, end: LogEnd, actions: { pause: () => void; jump: () => void }) {
  const jump = jumpLabel(end, feed.newSinceView > 0 || feed.buffer.hasNewer ? feed.newSinceView : feed.unseenBelow);
  return html`<div class="live-controls">
    ${
      end === 'live' && feed.following && !feed.buffer.hasNewer
        ? html`<button class="pause" title="Pause the live log (Space)" @click=${actions.pause}>Pause ⏸</button>`
        : nothing
    }
    ${
      !feed.following || feed.buffer.hasNewer
        ? html`<button class="jump" title="Resume following (Space)" @click=${actions.jump}>${jump} ↓</button>`
        : nothing
    }
  </div>`;
}
