// Window maths for the virtualised log viewer: fixed-height rows, only the visible slice (plus a small
// overscan) is rendered, whatever the number of lines held.

export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  rowCount: number;
  /** Extra rows rendered above and below the viewport so fast scrolling shows no blank band. */
  overscan: number;
}

export interface RowWindow {
  /** First rendered row (inclusive). */
  start: number;
  /** Last rendered row (exclusive). */
  end: number;
  /** Pixels above the first rendered row. */
  offsetTop: number;
  /** Height of the whole list in pixels. */
  totalHeight: number;
}

export function rowWindow(input: WindowInput): RowWindow {
  const rowHeight = Math.max(1, input.rowHeight);
  const rowCount = Math.max(0, Math.floor(input.rowCount));
  const totalHeight = rowCount * rowHeight;
  const maxScroll = Math.max(0, totalHeight - input.viewportHeight);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const firstVisible = Math.floor(scrollTop / rowHeight);
  const visibleCount = Math.ceil(Math.max(0, input.viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, firstVisible - input.overscan);
  const end = Math.min(rowCount, firstVisible + visibleCount + input.overscan);
  return { start, end: Math.max(start, end), offsetTop: start * rowHeight, totalHeight };
}

/** Upper bound on rendered rows for a viewport, whatever the row count: what the DOM-size test checks. */
export function maxRenderedRows(viewportHeight: number, rowHeight: number, overscan: number): number {
  return Math.ceil(Math.max(0, viewportHeight) / Math.max(1, rowHeight)) + 1 + 2 * overscan;
}

/** At the live end: within `slackPx` of the bottom (sub-pixel scroll positions never reach it exactly). */
export function isAtBottom(scrollTop: number, viewportHeight: number, scrollHeight: number, slackPx = 4): boolean {
  return scrollTop + viewportHeight >= scrollHeight - slackPx;
}

/**
 * Whether an update puts a following viewer back at the live end (rows grew: wrapping measured, a detail opened).
 * Not when the viewport moved up since it was last seen: that is the operator scrolling, and the scroll handler, a
 * frame later, stops following; snapping back first would undo their scroll (an update landing in that frame, say a
 * reload's answer, made the viewer jump back to the end).
 */
export function snapsToLiveEnd(
  following: boolean,
  view: { scrollTop: number; lastSeenTop: number; viewportHeight: number; scrollHeight: number },
): boolean {
  return (
    following &&
    view.scrollTop >= view.lastSeenTop &&
    !isAtBottom(view.scrollTop, view.viewportHeight, view.scrollHeight)
  );
}

/** Near the top: time to fetch older lines. */
export function isNearTop(scrollTop: number, viewportHeight: number): boolean {
  return scrollTop <= viewportHeight;
}

/** Near the bottom of what is loaded: time to fetch newer lines when the buffer does not reach the live end. */
export function isNearBottom(scrollTop: number, viewportHeight: number, scrollHeight: number): boolean {
  return scrollTop + 2 * viewportHeight >= scrollHeight;
}

/** scrollTop that keeps the same rows on screen after `addedRows` rows were inserted above them. */
export function scrollAfterPrepend(scrollTop: number, addedRows: number, rowHeight: number): number {
  return scrollTop + addedRows * rowHeight;
}

/** scrollTop that puts row `index` in the middle of the viewport. */
export function scrollToCenter(index: number, rowHeight: number, viewportHeight: number, rowCount: number): number {
  const target = index * rowHeight - (viewportHeight - rowHeight) / 2;
  return Math.max(0, Math.min(target, rowCount * rowHeight - viewportHeight));
}
