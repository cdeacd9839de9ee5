// A pipeline's health on one line: a state chip (its reason as the tooltip and for screen readers) and the schedule
// line ("next run in 2 h (at 03:00)", "late by 12 min"). Used by the overview row and the pipeline page.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PipelineHealth } from '../shared/health.js';
import { ClockController } from './clock-controller.js';
import { ATTENTION_STATES, scheduleLine } from './health-words.js';
import { baseStyles } from './ui-styles.js';

@customElement('health-line')
export class HealthLine extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 6px;
        font-size: 0.85em;
      }
      .state {
        border-radius: 999px;
        padding: 0 7px;
        border: 1px solid var(--border);
        white-space: nowrap;
      }
      .state.attention {
        color: var(--tone-failure);
        border-color: currentColor;
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) health: PipelineHealth | null = null;
  /** Also show the reason as text (the pipeline page), not only as the tooltip. */
  @property({ type: Boolean }) detailed = false;
  private readonly clock = new ClockController(this);

  override render() {
    const health = this.health;
    if (health === null) return null;
    const attention = ATTENTION_STATES.has(health.state);
    const line = scheduleLine(health, this.clock.now);
    return html`${
      attention || this.detailed
        ? html`<span
            class="state ${attention ? 'attention' : ''}"
            data-state=${health.state}
            title=${health.reason}
            aria-label="Health: ${health.state}. ${health.reason}"
            >${health.state}</span
          >`
        : null
    }${line === null ? null : html`<span class="muted schedule" data-schedule>${line}</span>`}${
      this.detailed ? html`<span class="reason">${health.reason}</span>` : null
    }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'health-line': HealthLine;
  }
}
