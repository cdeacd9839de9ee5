// One pipeline on the overview: last run's status, when, how long, what it did, open errors, recent runs.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PipelineSummary } from '../shared/api.js';
import { ClockController } from './clock-controller.js';
import { formatCount, formatDateTime, formatDuration, formatRelative, plural } from './format.js';
import { successWording } from './history-status.js';
import { errorsHref, pipelineHref, runHref } from './routes.js';
import { TONE_LABELS, runTone } from './status.js';
import { baseStyles } from './ui-styles.js';
import './health-line.js';
import './run-strip.js';
import './status-badge.js';

@customElement('pipeline-row')
export class PipelineRow extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .row {
        display: grid;
        grid-template-columns:
          minmax(150px, 1.3fr) minmax(110px, 0.8fr) minmax(270px, 1.5fr) minmax(150px, 1fr)
          90px 190px;
        align-items: center;
        gap: 12px;
        padding: 8px 12px;
      }
      .name a {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .counts {
        display: flex;
        gap: 10px;
        flex-wrap: wrap;
        font-variant-numeric: tabular-nums;
      }
      .failed {
        color: var(--tone-failure);
      }
      .errors a {
        display: inline-block;
      }
      .errors .badge {
        color: var(--tone-failure);
      }
      .none {
        color: var(--text-muted);
      }
      @media (max-width: 1100px) {
        .row {
          grid-template-columns: 1fr 1fr;
        }
        .strip {
          grid-column: 1 / -1;
        }
      }
    `,
  ];

  @property({ attribute: false }) summary!: PipelineSummary;
  private readonly clock = new ClockController(this);

  override render() {
    const p = this.summary;
    const run = p.lastRun;
    const now = this.clock.now;
    const tone = run ? runTone({ status: run.status, failed: run.counts.failed }) : null;
    const duration = run && run.status === 'running' && run.startedAt !== null ? now - run.startedAt : run?.durationMs;
    return html`<div
      class="row"
      data-club=${p.club}
      data-pipeline=${p.pipeline}
      data-tone=${tone ?? 'none'}
      data-health=${p.health?.state ?? 'none'}
    >
      <div class="name">
        <a href=${pipelineHref(p.club, p.pipeline)}>${p.pipeline}</a>
        <div>
          ${
            tone !== null && run
              ? html`<a href=${runHref(run.id)} aria-label="Last run of ${p.pipeline}: ${TONE_LABELS[tone]}"
                  ><status-badge tone=${tone}></status-badge
                ></a>`
              : html`<span class="none">no runs yet</span>`
          }
        </div>
        <health-line .health=${p.health}></health-line>
      </div>
      <div class="when">
        <div title=${formatDateTime(run?.startedAt)}>
          <span class="visually-hidden">Last run </span>${formatRelative(run?.startedAt, now)}
        </div>
        <div class="muted num"><span class="visually-hidden">Duration </span>${formatDuration(duration)}</div>
      </div>
      <div class="counts" aria-label="Counts of the last run">
        ${
          run
            ? html`<span title="created">+${formatCount(run.counts.created)} <span class="muted">created</span></span>
                <span title="updated">~${formatCount(run.counts.updated)} <span class="muted">updated</span></span>
                <span class=${run.counts.failed > 0 ? 'failed' : ''} title="failed"
                  >✕${formatCount(run.counts.failed)} <span class="muted">failed</span></span
                >`
            : null
        }
      </div>
      <div class="muted num">
        ${plural(p.runs24h, 'run')} / 24
        h${p.successRate24h === null ? '' : ` · ${successWording(p.successRate24h, p.unstableRate24h)}`}
      </div>
      <div class="errors">
        ${
          p.openErrors > 0
            ? html`<a
                href=${
                  // Exactly the errors counted: the last finished run's, whenever they happened.
                  p.openErrorsRunId === null
                    ? errorsHref({ club: p.club, pipeline: p.pipeline })
                    : errorsHref({ club: p.club, pipeline: p.pipeline, run: p.openErrorsRunId, window: 'all' })
                }
                ><span class="badge">${plural(p.openErrors, 'error')}</span
                ><span class="visually-hidden"> open in ${p.pipeline}</span></a
              >`
            : html`<span class="none" aria-label="No open errors">0 errors</span>`
        }
      </div>
      <run-strip class="strip" .runs=${p.recent}></run-strip>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pipeline-row': PipelineRow;
  }
}
