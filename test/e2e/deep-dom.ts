// Page scripts that reach into shadow roots, for actions that must happen in one task (two UI events closer
// together than any debounce, whatever the machine's load).

/** `find(selector)` in the document and every shadow root under it, as source to embed in a page script. */
const FIND_DEEP = `const findDeep = (selector) => {
  const visit = (root) => {
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) {
        const found = visit(el.shadowRoot);
        if (found) return found;
      }
    }
    return null;
  };
  return visit(document);
};`;

/** Types `text` into the log search box and, in the same task, picks `level` in the level select. */
export const typeThenPickLevel = (text: string, level: string) => `(() => {
  ${FIND_DEEP}
  const viewer = findDeep('log-viewer');
  const input = viewer.shadowRoot.querySelector('input[type="search"]');
  input.value = ${JSON.stringify(text)};
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  const select = viewer.shadowRoot.querySelector('select[aria-label="Minimum level"]');
  select.value = ${JSON.stringify(level)};
  select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
})()`;

/** Width of the page's layout and of the window, to tell whether the page scrolls sideways. */
export const PAGE_WIDTHS = `({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })`;
