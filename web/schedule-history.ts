// A pipeline's recent scheduled occurrences against its actual starts: for each occurrence, the run that answered
// it and how late or early it started, or that none did (missed); and runs that answer no occurrence. Reloads
// when `revision` changes (the pipeline page passes its live health: a due time passed, a run started or ended).
import { css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ScheduledStart, ScheduleHistoryView } from '../shared/health.js';
import { renderDataTable } from './data-table.js';
import { formatDateTime } from './format.js';
import { runHref } from './routes.js';
import { ATTENTION_TIMINGS, TIMING_LABELS, delayWords, scheduleSummary } from './schedule-history-model.js';
import { PipelineSection } from './pipeline-section.js';
import { baseStyles, sectionStyles, tableStyles } from './ui-styles.js';

@customElement('schedule-history')
export class ScheduleHistory extends PipelineSection<ScheduleHistoryView> {
  static override styles = [
    baseStyles,
    sectionStyles,
    tableStyles,
    css`
      th,
      td {
        padding: 4px 10px;
        white-space: nowrap;
      }
      th {
        font-weight: 600;
      }
      .attention {
        color: var(--tone-failure);
        font-weight: 600;
      }
    `,
  ];

  @state() private view: ScheduleHistoryView | null = null;

  protected override request(): Promise<ScheduleHistoryView> {
    return this.services.api.scheduleHistory(this.club, this.pipeline);
  }

  protected override show(view: ScheduleHistoryView): void {
    this.view = view;
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
                    : renderDataTable(
                        'Expected and actual starts',
                        ['Due', 'Started', 'Started vs due', 'Run', 'Result'],
                        view.starts.map((start) => this.renderRow(start)),
                      )
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
