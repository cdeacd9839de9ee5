// Reading the log viewer's rendered rows from a page.
import type { Page } from 'playwright-core';
import { READ_LOG_ROWS, type RenderedRow } from '../support/page-scripts.js';

export type { RenderedRow };

/** The rows the virtualised viewer has in the DOM right now, top to bottom. */
export function renderedRows(page: Page): Promise<RenderedRow[]> {
  return page.evaluate<RenderedRow[]>(READ_LOG_ROWS);
}

/** The numbers of rendered `line N` messages, in display order. */
export async function renderedLineNumbers(page: Page, prefix = 'line '): Promise<number[]> {
  const rows = await renderedRows(page);
  return rows.filter((r) => r.msg.startsWith(prefix)).map((r) => Number(r.msg.slice(prefix.length)));
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
