// Code evaluated inside the page. The test project has no DOM types, so the few element members used are
// described structurally here.

interface ScrollerLike {
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  dispatchEvent(event: unknown): boolean;
}

/** Number of <img> elements in the document and every shadow root under it. */
export const COUNT_IMAGES = `(() => {
  let count = 0;
  const visit = (root) => {
    count += root.querySelectorAll('img').length;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
  };
  visit(document);
  return count;
})()`;

/** Number of elements matching a selector in the document and every shadow root under it. */
export const countDeep = (selector: string) => `(() => {
  let count = 0;
  const visit = (root) => {
    count += root.querySelectorAll(${JSON.stringify(selector)}).length;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
  };
  visit(document);
  return count;
})()`;

export const MARK_DOCUMENT = 'window.__sameDocument = true';
export const DOCUMENT_MARKED = 'window.__sameDocument === true';
export const PWNED = 'window.__pwned';
export const BODY_BACKGROUND = 'getComputedStyle(document.body).backgroundColor';

export const atBottom = (el: ScrollerLike): boolean => el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
export const scrollTop = (el: ScrollerLike): number => el.scrollTop;
export const scrollSize = (el: ScrollerLike) => ({ scrollHeight: el.scrollHeight, clientHeight: el.clientHeight });
/** Sets scrollTop; the browser fires the scroll event itself. */
export const scrollTo = (el: ScrollerLike, top: number): void => {
  el.scrollTop = top;
};

export interface RenderedRow {
  offset: number;
  level: string;
  msg: string;
}

/**
 * The log viewer's line rows, read in one evaluation (a locator would query and then read in two steps, and
 * the virtualised list may re-render in between, leaving detached rows with stale text in the result).
 */
export const READ_LOG_ROWS = `(() => {
  const find = (root) => {
    const hit = root.querySelector('log-viewer');
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) {
        const found = find(el.shadowRoot);
        if (found) return found;
      }
    }
    return null;
  };
  const viewer = find(document);
  if (!viewer || !viewer.shadowRoot) return [];
  return [...viewer.shadowRoot.querySelectorAll('a.row')].map((el) => ({
    offset: Number(el.getAttribute('data-offset')),
    level: el.querySelector('.level')?.textContent ?? '',
    msg: el.querySelector('.msg')?.textContent ?? '',
  }));
})()`;

/** Blocks the page's main thread for the given milliseconds (a client too busy to read its socket). */
export const BUSY_WAIT = '(ms) => { const end = Date.now() + ms; while (Date.now() < end) {} }';

/** Tag and accessible text of the focused element, looking through shadow roots. */
export const ACTIVE_ELEMENT = `(() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el ? el.tagName + ' ' + (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 60) : '';
})()`;

/**
 * The text the page shows, shadow roots included (options of a closed select, styles and scripts left out):
 * a string found here is rendered as text, not as markup.
 */
export const SHOWN_TEXT = `(() => {
  const parts = [];
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent && parent.closest('option, style, script')) continue;
      parts.push(node.nodeValue);
    }
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
  };
  visit(document.body);
  return parts.join('');
})()`;
