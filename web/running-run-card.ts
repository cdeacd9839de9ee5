// A run in progress, pinned on top of the overview: current step, live progress bar, ticking elapsed time.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PipelineSummary } from '../shared/api.js';
import { ClockController } from './clock-controller.js';
import { formatCount, formatDuration } from './format.js';
import { activeStep } from './overview-model.js';
import { pipelineHref, runHref } from './routes.js';
import { baseStyles } from './ui-styles.js';
import './progress-bar.js';

@customElement('running-run-card')
export class RunningRunCard extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .card {
        padding: 10px 12px;
        border-left: 4px solid var(--tone-running);
        display: grid;
        gap: 6px;
      }
      .top {
        display: flex;
        justify-content: space-between;
        gap: 8px;
        align-items: baseline;
        flex-wrap: wrap;
      }
      .elapsed {
        font-variant-numeric: tabular-nums;
        font-weight: 600;
      }
      .step {
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) summary!: PipelineSummary;
  private readonly clock = new ClockController(this);

  override render() {
    const p = this.summary;
    const run = p.lastRun;
    if (!run) return null;
    const step = activeStep(p.lastRunSteps);
    const elapsed = run.startedAt === null ? null : this.clock.now - run.startedAt;
    return html`<div class="card" data-run-id=${run.id}>
      <div class="top">
        <span>
          <span class="muted">${p.club} /</span>
          <a href=${pipelineHref(p.club, p.pipeline)}>${p.pipeline}</a>
          · <a href=${runHref(run.id)} aria-label="Open running run ${run.id} of ${p.pipeline}">run #${run.id}</a>
        </span>
        <span class="elapsed" data-elapsed-ms=${elapsed ?? ''} title="Elapsed"
          ><span class="visually-hidden">Elapsed </span>${formatDuration(elapsed)}</span
        >
      </div>
      <div class="step muted">
        ${step ? html`step <strong>${step.name}</strong>` : html`starting…`} · +${formatCount(run.counts.created)}
        created · ~${formatCount(run.counts.updated)} updated · ✕${formatCount(run.counts.failed)} failed
      </div>
      ${
        step?.progress
          ? html`<progress-bar
              .done=${step.progress.done}
              .total=${step.progress.total}
              label="Progress of step ${step.name} in ${p.pipeline}"
            ></progress-bar>`
          : html`<progress-bar .done=${0} .total=${null} label="${p.pipeline} running" hide-text></progress-bar>`
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'running-run-card': RunningRunCard;
  }
}
