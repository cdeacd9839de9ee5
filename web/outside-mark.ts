// A small mark on a run of the pipeline history whose duration or counts fell outside the normal range of the
// successful runs before it (see run-history-outliers.ts). Hidden when there is nothing to mark.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ComparedFigure } from '../shared/api-compare.js';
import { FIGURE_LABELS } from './run-compare-model.js';

@customElement('outside-mark')
export class OutsideMark extends LitElement {
  static override styles = css`
    :host {
      display: inline;
    }
    span {
      margin-left: 6px;
      font-size: 11px;
      padding: 0 6px;
      border-radius: 8px;
      color: var(--tone-partial);
      border: 1px solid currentColor;
      cursor: help;
    }
  `;

  @property({ attribute: false }) figures: readonly ComparedFigure[] = [];

  override render() {
    if (this.figures.length === 0) return nothing;
    const names = this.figures.map((f) => FIGURE_LABELS[f].toLowerCase()).join(', ');
    return html`<span
      data-outside=${this.figures.join(' ')}
      title="Unusual ${names}: outside median ± 3 × MAD of the successful runs before it"
      >unusual</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outside-mark': OutsideMark;
  }
}
