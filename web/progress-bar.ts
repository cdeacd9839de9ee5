// A step's progress: done of total, or an indeterminate bar when the total is unknown.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { formatCount, formatPercent, progressFraction } from './format.js';
import { baseStyles } from './ui-styles.js';

@customElement('progress-bar')
export class ProgressBar extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        min-width: 80px;
      }
      .track {
        position: relative;
        height: 8px;
        border-radius: 4px;
        background: var(--surface-2);
        overflow: hidden;
      }
      .fill {
        position: absolute;
        inset: 0 auto 0 0;
        background: var(--tone-running);
        border-radius: 4px;
        transition: width 0.3s ease-out;
      }
      .indeterminate .fill {
        width: 30%;
        animation: slide 1.4s ease-in-out infinite;
      }
      @keyframes slide {
        from {
          left: -30%;
        }
        to {
          left: 100%;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .fill {
          transition: none;
          animation: none !important;
        }
      }
      .text {
        font-size: 12px;
        color: var(--text-muted);
        font-variant-numeric: tabular-nums;
        margin-top: 2px;
      }
    `,
  ];

  @property({ type: Number }) done = 0;
  @property({ attribute: false }) total: number | null = null;
  @property() label = 'Progress';
  @property({ type: Boolean, attribute: 'hide-text' }) hideText = false;

  override render() {
    const fraction = progressFraction(this.done, this.total);
    const text =
      fraction === null
        ? `${formatCount(this.done)} done`
        : `${formatCount(this.done)} / ${formatCount(this.total)} · ${formatPercent(fraction)}`;
    return html`<div
        class="track ${fraction === null ? 'indeterminate' : ''}"
        role="progressbar"
        aria-label=${this.label}
        aria-valuemin="0"
        aria-valuemax=${fraction === null ? '' : String(this.total)}
        aria-valuenow=${fraction === null ? '' : String(this.done)}
        aria-valuetext=${text}
        data-done=${this.done}
      >
        <div class="fill" style=${styleMap(fraction === null ? {} : { width: `${fraction * 100}%` })}></div>
      </div>
      ${this.hideText ? null : html`<div class="text">${text}</div>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'progress-bar': ProgressBar;
  }
}
