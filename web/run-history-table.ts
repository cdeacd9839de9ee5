// The pipeline page's run history: the status filter, one row per run (its outlying figures marked) and the
// sentinel the page watches to load older runs as the operator scrolls.
import { html } from 'lit';
import type { RunView } from '../shared/api.js';
import type { ComparedFigure } from '../shared/api-compare.js';
import { renderDataTable } from './data-table.js';
import { formatCount, formatDateTime, formatDuration, formatRelative } from './format.js';
import { HISTORY_STATUSES, HISTORY_STATUS_LABELS, isHistoryStatus, type HistoryStatus } from './history-status.js';
import { runHref } from './routes.js';
import { runTone } from './status.js';
import './outside-mark.js';
import './status-badge.js';

export interface RunHistoryView {
  runs: readonly RunView[];
  now: number;
  /** Each run's figures outside its neighbours' range, by run id. */
  outliers: ReadonlyMap<number, readonly ComparedFigure[]>;
  status: HistoryStatus | null;
  loaded: boolean;
  loading: boolean;
  /** null: no older run to load. */
  nextCursor: string | null;
  setStatus: (status: HistoryStatus | null) => void;
  loadMore: () => void;
}

function renderRow(run: RunView, now: number, outside: readonly ComparedFigure[] = []) {
  const tone = runTone({ status: run.status, failed: run.counts.failed });
  const duration = run.status === 'running' && run.startedAt !== null ? now - run.startedAt : run.durationMs;
  return html`<tr data-run-id=${run.id}>
    <td><status-badge tone=${tone}></status-badge></td>
    <td>
      <a href=${runHref(run.id)} title=${run.runKey}>#${run.id}</a><outside-mark .figures=${outside}></outside-mark>
    </td>
    <td title=${formatDateTime(run.startedAt)}>${formatRelative(run.startedAt, now)}</td>
    <td class="num">${formatDuration(duration)}</td>
    <td>${run.trigger ?? '—'}</td>
    <td class="num">${formatCount(run.counts.created)}</td>
    <td class="num">${formatCount(run.counts.updated)}</td>
    <td class="num">${formatCount(run.counts.skipped)}</td>
    <td class="num ${run.counts.failed > 0 ? 'failed' : ''}">${formatCount(run.counts.failed)}</td>
    <td class="num">
      ${run.errorCount > 0 ? html`<a href=${runHref(run.id)} class="failed">${formatCount(run.errorCount)}</a>` : '0'}
    </td>
  </tr>`;
}

export function renderRunHistory(view: RunHistoryView) {
  return html`<section aria-labelledby="history-title" class="card">
    <div class="history-head">
      <h2 id="history-title">Run history</h2>
      <label
        >Status
        <select
          class="status-filter"
          @change=${(e: Event) => {
            const value = (e.target as HTMLSelectElement).value;
            view.setStatus(isHistoryStatus(value) ? value : null);
          }}
        >
          <option value="" ?selected=${view.status === null}>all</option>
          ${HISTORY_STATUSES.map(
            (s) => html`<option value=${s} ?selected=${view.status === s}>${HISTORY_STATUS_LABELS[s]}</option>`,
          )}
        </select></label
      >
    </div>
    ${renderDataTable(
      'Run history',
      [
        'Status',
        'Run',
        'Started',
        { title: 'Duration', className: 'num' },
        'Trigger',
        { title: 'Created', className: 'num' },
        { title: 'Updated', className: 'num' },
        { title: 'Skipped', className: 'num' },
        { title: 'Failed', className: 'num' },
        { title: 'Errors', className: 'num' },
      ],
      view.runs.map((run) => renderRow(run, view.now, view.outliers.get(run.id))),
      view.status !== null && view.loaded && !view.loading && view.runs.length === 0
        ? html`<p class="muted empty">No ${HISTORY_STATUS_LABELS[view.status]} runs.</p>`
        : null,
    )}
    <div class="sentinel more">
      ${
        view.nextCursor !== null
          ? html`<button @click=${view.loadMore} ?disabled=${view.loading}>
              ${view.loading ? 'Loading…' : 'Load older runs'}
            </button>`
          : view.loading
            ? html`<span class="muted">Loading…</span>`
            : null
      }
    </div>
  </section>`;
}
