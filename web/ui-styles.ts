// Styles shared by the components (each has its own shadow root, so common rules are adopted by each).
import { css } from 'lit';

export const baseStyles = css`
  :host {
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  a {
    color: var(--link);
    text-decoration: none;
  }
  a:hover {
    text-decoration: underline;
  }
  /* A link inside running text is told apart by more than its colour. */
  p a,
  h1 a {
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  :focus-visible {
    outline: 2px solid var(--focus);
    outline-offset: 2px;
    border-radius: 3px;
  }
  button,
  select,
  input {
    font: inherit;
    color: var(--text);
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 6px;
    padding: 4px 10px;
    min-height: 30px;
  }
  button {
    cursor: pointer;
    background: var(--surface-2);
  }
  button:hover {
    border-color: var(--text-muted);
  }
  button[disabled] {
    opacity: 0.6;
    cursor: default;
  }
  .muted {
    color: var(--text-muted);
  }
  .mono {
    font-family: var(--mono);
  }
  .num {
    font-variant-numeric: tabular-nums;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .card {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 8px;
  }
  .badge {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 1px 8px;
    border-radius: 999px;
    font-size: 12px;
    font-weight: 600;
    white-space: nowrap;
    border: 1px solid currentColor;
  }
  .tone-running {
    color: var(--tone-running);
  }
  .tone-success {
    color: var(--tone-success);
  }
  .tone-partial {
    color: var(--tone-partial);
  }
  .tone-failure {
    color: var(--tone-failure);
  }
  .tone-ended {
    color: var(--tone-ended);
  }
  .tone-abandoned {
    color: var(--tone-abandoned);
  }
  .tone-skipped {
    color: var(--tone-skipped);
  }
  .error-text {
    color: var(--tone-failure);
  }
  h1,
  h2,
  h3 {
    margin: 0;
    line-height: 1.25;
  }
  h1 {
    font-size: 20px;
  }
  h2 {
    font-size: 16px;
  }
  h3 {
    font-size: 14px;
  }
`;

/** An element laid out as a block (a custom element is inline by default). */
export const blockStyles = css`
  :host {
    display: block;
  }
`;

/** A block inside a grid or flex column that may shrink below its content's width (its content scrolls). */
export const shrinkingBlockStyles = css`
  :host {
    display: block;
    min-width: 0;
  }
`;

/** A section of a page in its own element: a block under a small heading. */
export const sectionStyles = css`
  ${blockStyles}
  h2 {
    margin: 0 0 6px;
    font-size: 16px;
  }
`;

/** One column no wider than the screen: wide content scrolls or shrinks inside it. */
export const columnStyles = css`
  :host {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 16px;
  }
`;

/** A page of tables and charts: a column whose title wraps anywhere rather than widen the page. */
export const pageColumnStyles = css`
  ${columnStyles}
  h1 {
    overflow-wrap: anywhere;
  }
`;

/** The data tables of the pages (errors, run history): the shared look; each page adds its own columns' rules. */
export const tableStyles = css`
  .table-wrap {
    overflow-x: auto;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: left;
    padding: 6px 10px;
    border-bottom: 1px solid var(--border);
  }
  th {
    font-size: 12px;
    color: var(--text-muted);
  }
`;
