// The run's steps as a Gantt: one bar per step over the run's span, with its duration, live progress and counts.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { StepView } from '../shared/api.js';
import { ClockController } from './clock-controller.js';
import { formatCount, formatDuration } from './format.js';
import { toneColorVar } from './status.js';
import { timelineBars, timelineSpan } from './timeline-model.js';
import { baseStyles, blockStyles } from './ui-styles.js';
import './progress-bar.js';

@customElement('step-timeline')
export class StepTimeline extends LitElement {
  static override styles = [
    baseStyles,
    blockStyles,
    css`
      ol {
        list-style: none;
        margin: 0;
        padding: 10px 12px;
        display: grid;
        gap: 8px;
      }
      li {
        display: grid;
        grid-template-columns: minmax(120px, 200px) 1fr minmax(220px, 300px);
        gap: 12px;
        align-items: center;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .track {
        position: relative;
        height: 18px;
        background: var(--surface-2);
        border-radius: 4px;
      }
      .bar {
        position: absolute;
        top: 0;
        bottom: 0;
        min-width: 3px;
        border-radius: 4px;
        opacity: 0.85;
      }
      .info {
        font-size: 12px;
        font-variant-numeric: tabular-nums;
      }
      .failed {
        color: var(--tone-failure);
        font-weight: 600;
      }
      .empty {
        padding: 12px;
      }
      @media (max-width: 800px) {
        li {
          grid-template-columns: 1fr;
          gap: 4px;
        }
      }
    `,
  ];

  @property({ attribute: false }) run!: { startedAt: number | null; finishedAt: number | null; status: string };
  @property({ attribute: false }) steps: StepView[] = [];
  private readonly clock = new ClockController(this, () => this.steps.some((s) => s.status === 'running'));

  override render() {
    const now = this.clock.now;
    const span = timelineSpan(this.run, this.steps, now);
    if (!span || this.steps.length === 0) return html`<p class="empty muted">No steps yet.</p>`;
    const bars = timelineBars(span, this.steps, now);
    return html`<ol aria-label="Steps, in order">
      ${bars.map(({ step, left, width, elapsedMs }) => {
        const c = step.counts;
        return html`<li data-step=${step.name} data-status=${step.status}>
          <span class="name">${step.name}</span>
          <div
            class="track"
            role="img"
            aria-label="${step.name}: ${step.status}, ${formatDuration(elapsedMs)}, from ${Math.round(left * 100)}% of the run"
          >
            <div
              class="bar"
              style=${styleMap({
                left: `${left * 100}%`,
                width: `${width * 100}%`,
                background: toneColorVar(step.status),
              })}
            ></div>
          </div>
          <div class="info">
            <span class="tone-${step.status}">${step.status}</span> · ${formatDuration(elapsedMs)}
            ${
              step.status === 'running' && step.progress
                ? html`<progress-bar
                    .done=${step.progress.done}
                    .total=${step.progress.total}
                    label="Progress of step ${step.name}"
                  ></progress-bar>`
                : nothing
            }
            <div>
              +${formatCount(c.created)} · ~${formatCount(c.updated)} · ${formatCount(c.skipped)} skipped ·
              <span class=${c.failed > 0 ? 'failed' : ''}>✕${formatCount(c.failed)}</span>
            </div>
          </div>
        </li>`;
      })}
    </ol>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'step-timeline': StepTimeline;
  }
}
