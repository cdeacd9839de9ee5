// A row of the log viewer: a line, one text line high or wrapped, or a marker where the live stream skipped
// lines; and the styles of rows. Kept apart from the viewer, which decides which rows to render and where.
import { css, html, nothing } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import { formatCount } from './format.js';
import type { GapRow, LogRow } from './log-buffer.js';
import { rowParts, type RowParts } from './log-row-text.js';

export const ROW_HEIGHT = 20;
/** Height of a selected line's detail opened in place under it (it scrolls inside when longer). */
export const DETAIL_HEIGHT = 240;

export const logRowStyles = css`
  .row {
    display: flex;
    gap: 10px;
    height: ${ROW_HEIGHT}px;
    line-height: ${ROW_HEIGHT}px;
    padding: 0 10px;
    white-space: pre;
    overflow: hidden;
    color: var(--text);
    text-decoration: none;
  }
  .row.wrapped {
    display: block;
    white-space: break-spaces;
    word-break: break-all;
    height: auto;
  }
  .wrapped .step,
  .wrapped .msg,
  .wrapped .data {
    max-width: none;
    overflow: visible;
  }
  .detail-slot {
    height: ${DETAIL_HEIGHT}px;
    overflow: hidden;
  }
  .probe {
    position: absolute;
    visibility: hidden;
    white-space: pre;
    font-family: var(--mono);
    font-size: 12px;
  }
  .body {
    display: grid;
    gap: 10px;
    min-width: 0;
  }
  .body.side {
    grid-template-columns: minmax(0, 1fr) minmax(320px, 32%);
  }
  .side-detail {
    height: max(320px, calc(100vh - 260px));
    border: 1px solid var(--border);
    border-radius: 8px;
    overflow: hidden;
  }
  .sev-warn {
    background: color-mix(in srgb, var(--level-warn) 7%, transparent);
  }
  .sev-error,
  .sev-fatal {
    background: color-mix(in srgb, var(--level-error) 10%, transparent);
  }
  a.row:hover {
    background: var(--surface-2);
    text-decoration: none;
  }
  .row[aria-current='true'] {
    background: var(--highlight);
    box-shadow: inset 3px 0 0 var(--focus);
  }
  .time {
    color: var(--text-muted);
    flex: none;
  }
  .level {
    flex: none;
    width: 5ch;
    font-weight: 700;
  }
  .lvl-trace {
    color: var(--level-trace);
  }
  .lvl-debug {
    color: var(--level-debug);
  }
  .lvl-info {
    color: var(--level-info);
  }
  .lvl-warn {
    color: var(--level-warn);
  }
  .lvl-error {
    color: var(--level-error);
  }
  .lvl-fatal {
    color: var(--level-fatal);
  }
  .step {
    flex: none;
    max-width: 16ch;
    overflow: hidden;
    text-overflow: ellipsis;
    color: var(--text-muted);
  }
  .msg {
    flex: none;
    max-width: 70%;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .data {
    flex: 1 1 0;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    color: var(--text-muted);
  }
  .gap {
    background: repeating-linear-gradient(
      -45deg,
      transparent 0 6px,
      color-mix(in srgb, var(--tone-partial) 18%, transparent) 6px 12px
    );
    color: var(--text);
    align-items: center;
    font-family: var(--sans);
  }
  .gap button {
    min-height: 0;
    height: 16px;
    padding: 0 8px;
    font-size: 11px;
    line-height: 14px;
  }
`;

/**
 * A wrapped row's pieces separated by exactly one space each (built as values, so no formatter can add
 * whitespace that `break-spaces` would show and the height computed from rowText would not count).
 */
function wrappedContent(parts: RowParts): unknown[] {
  const content: unknown[] = [
    html`<span class="time">${parts.time}</span>`,
    ' ',
    html`<span class="level lvl-${parts.level}">${parts.levelText}</span>`,
  ];
  if (parts.step !== null) content.push(' ', html`<span class="step">${parts.step}</span>`);
  content.push(' ', html`<span class="msg">${parts.msg}</span>`);
  if (parts.data !== '') content.push(' ', html`<span class="data">${parts.data}</span>`);
  return content;
}

export interface RowOptions {
  /** Pixel height of a wrapped row (from the layout). */
  height: number;
  wrap: boolean;
  selected: boolean;
  /** The deep link to a line. */
  href: (offset: number) => string;
  loadGap: (gap: GapRow) => void;
}

/** One row of the log: a line (one text line, or wrapped), or a marker where the live stream skipped lines. */
export function renderLogRow(row: LogRow, options: RowOptions) {
  if (row.kind === 'gap') {
    const count = row.count === null ? 'Some' : formatCount(row.count);
    return html`<div class="row gap" data-gap-after=${row.afterOffset}>
      <span>⚠ ${count} lines were not streamed live (the connection was busy).</span>
      <button @click=${() => options.loadGap(row)}>Load them</button>
    </div>`;
  }
  const line = row.line;
  const parts = rowParts(line);
  const { selected, height } = options;
  if (options.wrap) {
    // One run of monospace text broken at any character, so its height is known from its length.
    return html`<a
      class="row wrapped sev-${parts.level}"
      href=${options.href(line.offset)}
      tabindex="-1"
      data-offset=${line.offset}
      aria-current=${selected ? 'true' : 'false'}
      style=${styleMap({ height: `${height}px` })}
      >${wrappedContent(parts)}</a
    >`;
  }
  return html`<a
    class="row sev-${parts.level}"
    href=${options.href(line.offset)}
    tabindex="-1"
    data-offset=${line.offset}
    aria-current=${selected ? 'true' : 'false'}
    ><span class="time">${parts.time}</span
    ><span class="level lvl-${parts.level}">${parts.level.toUpperCase()}</span
    >${parts.step === null ? nothing : html`<span class="step">${parts.step}</span>`}<span class="msg"
      >${parts.msg}</span
    >${parts.data === '' ? nothing : html`<span class="data">${parts.data}</span>`}</a
  >`;
}
