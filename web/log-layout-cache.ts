// The log's row layout, rebuilt only when what it is built from changes (the rows, wrapping, the column count,
// where the in-place detail opens): a scroll frame re-renders without re-measuring thousands of wrapped lines.
// DOM-free: the element measures the columns, this counts the text lines each row wraps into.
import type { LogRow } from './log-buffer.js';
import { rowText } from './log-row-text.js';
import { uniformLayout, variableLayout, wrappedLineCount, type RowLayout } from './log-row-layout.js';

export interface LayoutInput {
  rows: readonly LogRow[];
  wrap: boolean;
  /** Monospace columns a wrapped row holds. */
  columns: number;
  /** The row the detail opens under, or -1. */
  detailAt: number;
}

export class LogLayoutCache {
  private last: { input: LayoutInput; layout: RowLayout } | null = null;
  /** Wrapped text lines per line row, for `wrapColumns` columns. */
  private wrapLines = new WeakMap<object, number>();
  private wrapColumns = 0;

  constructor(
    private readonly rowHeight: number,
    private readonly detailHeight: number,
    /** A wrapped row shows at most this many text lines. */
    private readonly maxWrappedLines: number,
  ) {}

  layout(input: LayoutInput): RowLayout {
    const last = this.last;
    if (
      last &&
      last.input.rows === input.rows &&
      last.input.wrap === input.wrap &&
      last.input.columns === input.columns &&
      last.input.detailAt === input.detailAt
    )
      return last.layout;
    const layout = input.wrap
      ? this.wrappedLayout(input)
      : uniformLayout(input.rows.length, this.rowHeight, input.detailAt, this.detailHeight);
    this.last = { input, layout };
    return layout;
  }

  private wrappedLayout({ rows, columns, detailAt }: LayoutInput): RowLayout {
    if (this.wrapColumns !== columns) {
      this.wrapLines = new WeakMap();
      this.wrapColumns = columns;
    }
    const heights = rows.map((row, i) => {
      let lines = 1;
      if (row.kind === 'line') {
        lines = this.wrapLines.get(row) ?? wrappedLineCount(rowText(row.line), columns, this.maxWrappedLines);
        this.wrapLines.set(row, lines);
      }
      return lines * this.rowHeight + (i === detailAt ? this.detailHeight : 0);
    });
    return variableLayout(heights);
  }
}
