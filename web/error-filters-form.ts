// The errors page's filter form: pipeline, system, record, window, sort and "hide acknowledged". It holds no
// state: each change asks the page for the filtered address (the URL holds the filters).
import { html, nothing } from 'lit';
import {
  DEFAULT_ERROR_SORT,
  DEFAULT_ERROR_WINDOW,
  ERROR_GROUP_SORTS,
  ERROR_SORT_LABELS,
  ERROR_WINDOWS,
  ERROR_WINDOW_LABELS,
  isErrorGroupSort,
  isErrorWindow,
} from './error-group-order.js';
import { nameChoices, renderFilterSelect } from './filter-select.js';
import { errorsHref, type Route } from './routes.js';

export type ErrorsRoute = Extract<Route, { view: 'errors' }>;

function onSubmit(event: SubmitEvent, setFilter: (patch: Partial<ErrorsRoute>) => void): void {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const value = new FormData(form).get('identifier');
  const identifier = typeof value === 'string' ? value.trim() : '';
  setFilter({ identifier: identifier === '' ? null : identifier });
}

export function renderErrorFilters(
  r: ErrorsRoute,
  pipelines: string[],
  systems: string[],
  setFilter: (patch: Partial<ErrorsRoute>) => void,
) {
  const shownWindow = r.window ?? DEFAULT_ERROR_WINDOW;
  const sort = r.sort ?? DEFAULT_ERROR_SORT;
  return html`<form role="search" aria-label="Filter errors" @submit=${(e: SubmitEvent) => onSubmit(e, setFilter)}>
    ${renderFilterSelect({
      label: 'Pipeline',
      choices: nameChoices('all pipelines', pipelines, r.pipeline),
      pick: (v) => setFilter({ pipeline: v === '' ? null : v }),
    })}
    ${renderFilterSelect({
      label: 'System',
      choices: nameChoices('all systems', systems, r.system),
      pick: (v) => setFilter({ system: v === '' ? null : v }),
    })}
    <label
      >Record
      <input name="identifier" type="search" placeholder="identifier" .value=${r.identifier ?? ''} />
    </label>
    ${renderFilterSelect({
      label: 'Window',
      className: 'window',
      choices: ERROR_WINDOWS.map((w) => ({ value: w, text: ERROR_WINDOW_LABELS[w], selected: shownWindow === w })),
      pick: (v) => setFilter({ window: isErrorWindow(v) && v !== DEFAULT_ERROR_WINDOW ? v : null }),
    })}
    ${renderFilterSelect({
      label: 'Sort groups by',
      className: 'sort',
      choices: ERROR_GROUP_SORTS.map((s) => ({ value: s, text: ERROR_SORT_LABELS[s], selected: sort === s })),
      pick: (v) => setFilter({ sort: isErrorGroupSort(v) && v !== DEFAULT_ERROR_SORT ? v : null }),
    })}
    <label
      ><input
        class="hide-acked"
        type="checkbox"
        .checked=${r.acked === 'hide'}
        @change=${(e: Event) => setFilter({ acked: (e.target as HTMLInputElement).checked ? 'hide' : null })}
      />
      Hide acknowledged</label
    >
    <button type="submit">Apply</button>
    ${
      r.pipeline !== null || r.system !== null || r.identifier !== null || r.fingerprint !== null || r.run !== null
        ? html`<a href=${errorsHref({ club: r.club })}>Clear filters</a>`
        : nothing
    }
  </form>`;
}
