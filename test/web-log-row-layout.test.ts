// Where rows sit when lines wrap and a detail opens under the selected line (web/log-row-layout.ts), and the
// wrap setting's default (web/log-wrap-setting.ts).
import { describe, expect, it } from 'vitest';
import { layoutWindow, scrollToRow, uniformLayout, variableLayout, wrappedLineCount } from '../web/log-row-layout.js';
import { logWrapChoice } from '../web/log-wrap-choice.js';

describe('uniformLayout', () => {
  it('places rows one height apart, and shifts the rows after a detail by its height', () => {
    const plain = uniformLayout(10, 20);
    expect([plain.top(0), plain.top(3), plain.totalHeight, plain.indexAt(59), plain.indexAt(60)]).toEqual([
      0, 60, 200, 2, 3,
    ]);
    const withDetail = uniformLayout(10, 20, 2, 100);
    expect(withDetail.totalHeight).toBe(300);
    expect(withDetail.height(2)).toBe(120);
    expect(withDetail.top(3)).toBe(160);
    // Inside the detail counts as the selected row; below it, rows are found past the detail.
    expect([withDetail.indexAt(70), withDetail.indexAt(159), withDetail.indexAt(160), withDetail.indexAt(999)]).toEqual(
      [2, 2, 3, 9],
    );
  });

  it('agrees with the variable layout of the same heights', () => {
    const heights = Array.from({ length: 50 }, (_, i) => (i === 17 ? 260 : 20));
    const a = uniformLayout(50, 20, 17, 240);
    const b = variableLayout(heights);
    for (let y = 0; y < b.totalHeight + 40; y += 7) expect(a.indexAt(y)).toBe(b.indexAt(y));
    for (let i = 0; i <= 50; i++) expect(a.top(i)).toBe(b.top(i));
  });
});

describe('layoutWindow', () => {
  it('renders the rows in view plus the overscan, with the pixels above them', () => {
    const layout = variableLayout([20, 60, 20, 20, 100, 20, 20, 20]);
    expect(layoutWindow(layout, 85, 40, 1)).toEqual({ start: 1, end: 6, offsetTop: 20, totalHeight: 280 });
    expect(layoutWindow(variableLayout([]), 0, 400, 20)).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  });
});

describe('scrollToRow', () => {
  it('centres a row with its detail, and never scrolls past either end', () => {
    const layout = uniformLayout(100, 20, 50, 240);
    expect(scrollToRow(layout, 50, 400)).toBe(1000 - (400 - 260) / 2);
    expect(scrollToRow(layout, 0, 400)).toBe(0);
    expect(scrollToRow(layout, 99, 400)).toBe(layout.totalHeight - 400);
  });
});

describe('wrappedLineCount', () => {
  it('counts text lines at a column width, newlines included, up to a cap', () => {
    expect(wrappedLineCount('', 80, 12)).toBe(1);
    expect(wrappedLineCount('x'.repeat(80), 80, 12)).toBe(1);
    expect(wrappedLineCount('x'.repeat(81), 80, 12)).toBe(2);
    expect(wrappedLineCount('a\nb\n\nc', 80, 12)).toBe(4);
    expect(wrappedLineCount('x'.repeat(10_000), 80, 12)).toBe(12);
    // Characters, not UTF-16 units: an emoji is one character.
    expect(wrappedLineCount('😀'.repeat(80), 80, 12)).toBe(1);
  });
});

describe('logWrapChoice', () => {
  it('keeps the stored choice, else wraps on narrow screens only', () => {
    expect(logWrapChoice('on', false)).toBe(true);
    expect(logWrapChoice('off', true)).toBe(false);
    expect(logWrapChoice(null, true)).toBe(true);
    expect(logWrapChoice('garbage', false)).toBe(false);
  });
});
