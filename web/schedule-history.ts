// A pipeline's recent scheduled occurrences against its actual starts: for each occurrence, the run that answered
// it and how late or early it started, or that none did (missed); and runs that answer no occurrence. Reloads
// when `revision` changes (the pipeline page passes its live health: a due time passed, a run started or ended).
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ScheduledStart, ScheduleHistoryView } from '../shared/health.js';
import { formatDateTime } from './format.js';
import { runHref } from './routes.js';
import { ATTENTION_TIMINGS, TIMING_LABELS, delayWords, scheduleSummary } from './schedule-history-model.js';
import type { Services } from './services.js';
import { baseStyles } from './ui-styles.js';

@customElement('schedule-history')
export class ScheduleHistory extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      h2 {
        margin: 0 0 6px;
        font-size: 16px;
      }
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
        padding: 4px 10px;
        border-bottom: 1px solid var(--border);
        white-space: nowrap;
      }
      th {
        font-size: 12px;
        color: var(--text-muted);
        font-weight: 600;
      }
      .attention {
        color: var(--tone-failure);
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) services!: Services;
  @property() club = '';
  @property() pipeline = '';
  /** Any new value reloads. */
  @property({ attribute: false }) revision: unknown = null;

  @state() private view: ScheduleHistoryView | null = null;
  @state() private loadError: string | null = null;
  private generation = 0;

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('club') || changed.has('pipeline') || changed.has('revision') || changed.has('services'))
      void this.load();
  }

  private async load(): Promise<void> {
    if (!this.services || this.club === '' || this.pipeline === '') return;
    const generation = ++this.generation;
    try {
      const view = await this.services.api.scheduleHistory(this.club, this.pipeline);
      if (generation !== this.generation) return;
      this.view = view;
      this.loadError = null;
    } catch (error) {
      if (generation === this.generation) this.loadError = error instanceof Error ? error.message : String(error);
    }
  }

  private renderRow(start: ScheduledStart) {
    const attention = ATTENTION_TIMINGS.has(start.timing);
    return html`<tr data-timing=${start.timing} data-due=${start.dueAt ?? ''}>
      <td>${start.dueAt === null ? html`<span class="muted">not scheduled</span>` : formatDateTime(start.dueAt)}</td>
      <td>${start.startedAt === null ? html`<span class="muted">no run</span>` : formatDateTime(start.startedAt)}</td>
      <td class="delay">${delayWords(start)}</td>
      <td>${start.runId === null ? '—' : html`<a href=${runHref(start.runId)}>#${start.runId}</a>`}</td>
      <td class="timing ${attention ? 'attention' : ''}">${TIMING_LABELS[start.timing]}</td>
    </tr>`;
  }

  override render() {
    const view = this.view;
    const summary = view === null ? null : scheduleSummary(view);
    return html`<section class="card" aria-labelledby="schedule-history-title" data-section="schedule-history">
      <h2 id="schedule-history-title">Expected and actual starts</h2>
      ${
        this.loadError === null
          ? null
          : html`<p class="error-text" role="alert">Could not load the start times: ${this.loadError}</p>`
      }
      ${
        view === null
          ? html`<p class="muted">Loading…</p>`
          : summary === null
            ? html`<p class="muted">No schedule, so there is no expected start to compare runs against.</p>`
            : html`<p class="muted" data-schedule-summary>${summary}</p>
                ${
                  view.starts.length === 0
                    ? html`<p class="muted">No occurrence due since runboard started watching.</p>`
                    : html`<div class="table-wrap">
                        <table>
                          <thead>
                            <tr>
                              <th>Due</th>
                              <th>Started</th>
                              <th>Started vs due</th>
                              <th>Run</th>
                              <th>Result</th>
                            </tr>
                          </thead>
                          <tbody>
                            ${view.starts.map((start) => this.renderRow(start))}
                          </tbody>
                        </table>
                      </div>`
                }`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'schedule-history': ScheduleHistory;
  }
}
