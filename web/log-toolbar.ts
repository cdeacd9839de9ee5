// The log viewer's toolbar: level, step and text filters (showing pending changes), the wrap toggle, the
// download link and the status line. The viewer owns the state; this renders it and reports changes.
import { css, html } from 'lit';
import { live } from 'lit/directives/live.js';
import { LEVELS, type LevelLabel } from '../shared/events.js';
import { nameChoices, renderFilterSelect } from './filter-select.js';
import type { LogFilter } from './log-filter.js';

export interface ToolbarOptions {
  /** What the controls show: the applied filter, or a change not applied yet (the search box's debounce). */
  shown: LogFilter;
  /** The run's steps, for the step filter. */
  steps: readonly string[];
  wrap: boolean;
  downloadUrl: string;
  /** The status line: lines loaded, and whether the view follows the live end. */
  status: string;
  following: boolean;
  setFilter: (patch: Partial<LogFilter>, debounce: boolean) => void;
  searchBlurred: () => void;
  toggleWrap: (wrap: boolean) => void;
}

export const logToolbarStyles = css`
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 14px;
    align-items: center;
  }
  .toolbar label {
    display: inline-flex;
    gap: 6px;
    align-items: center;
  }
  input[type='search'] {
    width: 16em;
  }
  .status {
    flex: 1;
    text-align: right;
    font-size: 12px;
  }
`;

export function renderLogToolbar(options: ToolbarOptions) {
  const shown = options.shown;
  const level = shown.level;
  return html`<div class="toolbar" role="group" aria-label="Log filters">
    ${renderFilterSelect({
      label: 'Level',
      ariaLabel: 'Minimum level',
      choices: [
        { value: '', text: 'all', selected: level === null },
        ...(Object.keys(LEVELS) as LevelLabel[]).map((l) => ({ value: l, text: `${l}+`, selected: level === l })),
      ],
      pick: (value) => options.setFilter({ level: value === '' ? null : (value as LevelLabel) }, false),
    })}
    ${renderFilterSelect({
      label: 'Step',
      ariaLabel: 'Step',
      // A step in the URL that the run does not list (yet) is still offered, so the select shows it.
      choices: nameChoices('all steps', options.steps, shown.step),
      pick: (value) => options.setFilter({ step: value === '' ? null : value }, false),
    })}
    <label
      >Search
      <input
        type="search"
        aria-label="Search log text"
        placeholder="text in message or fields"
        .value=${live(shown.q)}
        @input=${(e: Event) => options.setFilter({ q: (e.target as HTMLInputElement).value }, true)}
        @blur=${options.searchBlurred}
    /></label>
    <label
      ><input
        type="checkbox"
        class="wrap-toggle"
        .checked=${options.wrap}
        @change=${(e: Event) => options.toggleWrap((e.target as HTMLInputElement).checked)}
      />Wrap lines</label
    >
    <a href=${options.downloadUrl} download>Download log</a>
    <span class="status muted" aria-live="polite" data-following=${options.following ? 'true' : 'false'}
      >${options.status}</span
    >
  </div>`;
}
