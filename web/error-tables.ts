// The errors page's two tables: the errors themselves (when narrowed to a group, a record or a run), with links
// to their runs and log lines and a "load more" button, and the records failing run after run.
import { html, nothing, type TemplateResult } from 'lit';
import type { ErrorView, RecurringIdentifier } from '../shared/api.js';
import { renderDataTable } from './data-table.js';
import { formatCount, formatDateTime, formatRelative } from './format.js';
import { errorsHref, pipelineHref, runHref } from './routes.js';

/** The errors listed, and the state of loading the next page. */
export interface ErrorListView {
  title: TemplateResult;
  list: readonly ErrorView[];
  /** null: nothing more to load. */
  cursor: string | null;
  loading: boolean;
  loadMoreError: string | null;
  loadMore: () => void;
}

export function renderErrorList(view: ErrorListView) {
  return html`<section aria-labelledby="list-title" class="card" style="padding: 10px 12px">
    <h2 id="list-title">${view.title}</h2>
    ${renderDataTable(
      'Errors',
      ['When', 'Pipeline', 'Record', 'System', 'Message', 'Run'],
      view.list.map(
        (e) =>
          html`<tr data-error-id=${e.id}>
            <td class="when" title=${formatDateTime(e.time)}>${formatDateTime(e.time)}</td>
            <td><a href=${pipelineHref(e.club, e.pipeline)}>${e.club} / ${e.pipeline}</a></td>
            <td class="mono">${e.identifier ?? '—'}</td>
            <td>${e.system ?? '—'}</td>
            <td class="msg">${e.message}</td>
            <td>
              <a href=${runHref(e.runId)}>#${e.runId}</a> ·
              <a href=${runHref(e.runId, e.offset)} aria-label="Log line of this error in run ${e.runId}">line</a>
            </td>
          </tr>`,
      ),
    )}
    ${view.list.length === 0 ? html`<p class="muted more">No errors match.</p>` : nothing}
    ${
      view.cursor !== null
        ? html`<div class="more">
            ${
              view.loadMoreError === null
                ? nothing
                : html`<p class="error-text" role="alert">Could not load more: ${view.loadMoreError}</p>`
            }
            <button ?disabled=${view.loading} @click=${view.loadMore}>
              ${view.loadMoreError === null ? 'Load more' : 'Load more (retry)'}
            </button>
          </div>`
        : nothing
    }
  </section>`;
}

export function renderRecurringRecords(recurring: readonly RecurringIdentifier[], now: number) {
  return html`<section aria-labelledby="recurring-title" class="card" style="padding: 10px 12px">
    <h2 id="recurring-title">Records failing run after run</h2>
    ${
      recurring.length === 0
        ? html`<p class="muted">No record failed in consecutive runs.</p>`
        : renderDataTable(
            'Records failing run after run',
            ['Record', 'Pipeline', 'Runs in a row', 'Last message', 'Last seen'],
            recurring.map(
              (x) =>
                html`<tr data-identifier=${x.identifier}>
                  <td class="nowrap">
                    <a class="mono" href=${errorsHref({ club: x.club, pipeline: x.pipeline, identifier: x.identifier })}
                      >${x.identifier}</a
                    >
                  </td>
                  <td class="nowrap">
                    <a href=${pipelineHref(x.club, x.pipeline)}>${x.club} / ${x.pipeline}</a>
                  </td>
                  <td class="num">${formatCount(x.consecutiveRuns)}</td>
                  <td class="msg">${x.lastMessage}</td>
                  <td class="when" title=${formatDateTime(x.lastSeen)}>${formatRelative(x.lastSeen, now)}</td>
                </tr>`,
            ),
          )
    }
  </section>`;
}
