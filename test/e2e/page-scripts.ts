// Code evaluated inside the page. Kept as source text: the test project has no DOM types, and these few
// lines are clearer as the browser sees them than behind casts.

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

export const MARK_DOCUMENT = 'window.__sameDocument = true';
export const DOCUMENT_MARKED = 'window.__sameDocument === true';
export const PWNED = 'window.__pwned';
export const BODY_BACKGROUND = 'getComputedStyle(document.body).backgroundColor';
