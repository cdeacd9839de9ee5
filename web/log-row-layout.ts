// Where each row of the virtualised log sits when rows are not all one height: wrapped lines take as many text
// lines as they need, and a selected line's detail opens in place under it. Pure (heights in, positions out),
// so the window maths is unit-tested without a browser; the uniform case stays O(1) for very long logs.

export interface RowLayout {
  /** Number of rows laid out. */
  readonly count: number;
  /** Height of the whole list in pixels. */
  readonly totalHeight: number;
  /** Pixels above row `index` (index === count gives totalHeight). */
  top(index: number): number;
  /** Height of row `index` in pixels, including a detail opened under it. */
  height(index: number): number;
  /** The row covering pixel `y` (clamped to the rows). */
  indexAt(y: number): number;
}

/** Every row `rowHeight` high, except that row `extraAt` (if any) carries `extra` pixels more under it. */
export function uniformLayout(count: number, rowHeight: number, extraAt = -1, extra = 0): RowLayout {
  const add = extraAt >= 0 && extraAt < count ? extra : 0;
  const top = (index: number) => index * rowHeight + (add > 0 && index > extraAt ? add : 0);
  return {
    count,
    totalHeight: count * rowHeight + add,
    top,
    height: (index) => rowHeight + (index === extraAt ? add : 0),
    indexAt(y) {
      if (count === 0) return 0;
      let index: number;
      if (add > 0 && y >= (extraAt + 1) * rowHeight) {
        // Within the detail: the selected row; below it: shifted by the detail.
        index = y < (extraAt + 1) * rowHeight + add ? extraAt : Math.floor((y - add) / rowHeight);
      } else index = Math.floor(y / rowHeight);
      return Math.min(count - 1, Math.max(0, index));
    },
  };
}

/** Rows of the given heights (wrapped lines), by prefix sums. */
export function variableLayout(heights: readonly number[]): RowLayout {
  const tops = new Float64Array(heights.length + 1);
  for (let i = 0; i < heights.length; i++) tops[i + 1] = tops[i]! + heights[i]!;
  const count = heights.length;
  return {
    count,
    totalHeight: tops[count]!,
    top: (index) => tops[Math.min(Math.max(0, index), count)]!,
    height: (index) => heights[index] ?? 0,
    indexAt(y) {
      if (count === 0) return 0;
      // The last row whose top is at or above y.
      let low = 0;
      let high = count - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (tops[mid]! <= y) low = mid;
        else high = mid - 1;
      }
      return low;
    },
  };
}

export interface LayoutWindow {
  /** First rendered row (inclusive). */
  start: number;
  /** Last rendered row (exclusive). */
  end: number;
  /** Pixels above the first rendered row. */
  offsetTop: number;
  totalHeight: number;
}

/** The rows to render for a viewport, plus `overscan` rows either side. */
export function layoutWindow(
  layout: RowLayout,
  scrollTop: number,
  viewportHeight: number,
  overscan: number,
): LayoutWindow {
  const maxScroll = Math.max(0, layout.totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxScroll);
  const first = layout.indexAt(top);
  const last = layout.indexAt(top + Math.max(0, viewportHeight));
  const start = Math.max(0, first - overscan);
  const end = Math.min(layout.count, last + 1 + overscan);
  return { start, end: Math.max(start, end), offsetTop: layout.top(start), totalHeight: layout.totalHeight };
}

/** scrollTop that puts row `index` (with its detail) in the middle of the viewport, or its top in view if taller. */
export function scrollToRow(layout: RowLayout, index: number, viewportHeight: number): number {
  const height = Math.min(layout.height(index), viewportHeight);
  const target = layout.top(index) - (viewportHeight - height) / 2;
  return Math.max(0, Math.min(target, layout.totalHeight - viewportHeight));
}

/**
 * Text lines a row takes when wrapped at `columns` characters (monospace, every character one column, breaking
 * anywhere, as `white-space: break-spaces; word-break: break-all` does), at most `maxLines`.
 */
export function wrappedLineCount(text: string, columns: number, maxLines: number): number {
  const width = Math.max(1, Math.floor(columns));
  let lines = 0;
  for (const part of text.split('\n')) {
    lines += Math.max(1, Math.ceil([...part].length / width));
    if (lines >= maxLines) return maxLines;
  }
  return Math.max(1, lines);
}
