// A data table in its scrolling box: a header row of column titles, then the rows given. Its look is tableStyles
// (ui-styles); each page adds its own columns' rules.
import { html, nothing } from 'lit';

/** A column's title, with a class where its cells need one (numbers align right). */
export type Column = string | { title: string; className: string };

/**
 * `label` names the box: it scrolls sideways on a narrow screen, and a keyboard user can only scroll what can take
 * focus (axe's scrollable-region-focusable; a table with no link in its rows has nothing else focusable). A group,
 * not a region: the section around it is the landmark, under the same name. `after`:
 * what follows the table inside its box (a note that no row matches).
 */
export function renderDataTable(label: string, columns: readonly Column[], rows: unknown, after: unknown = nothing) {
  return html`<div class="table-wrap" tabindex="0" role="group" aria-label=${label}>
    <table>
      <thead>
        <tr>
          ${columns.map((c) =>
            typeof c === 'string' ? html`<th>${c}</th>` : html`<th class=${c.className}>${c.title}</th>`,
          )}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    ${after}
  </div>`;
}
