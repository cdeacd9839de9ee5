// A run's or step's status as a coloured badge with a glyph and words (never colour alone).
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { TONE_GLYPHS, TONE_LABELS, type RunTone, type StepTone } from './status.js';
import { baseStyles } from './ui-styles.js';

@customElement('status-badge')
export class StatusBadge extends LitElement {
  static override styles = [baseStyles];

  @property() tone: RunTone | StepTone = 'running';

  override render() {
    const label = this.tone === 'skipped' ? 'skipped' : TONE_LABELS[this.tone];
    return html`<span class="badge tone-${this.tone}" data-tone=${this.tone}
      ><span aria-hidden="true">${TONE_GLYPHS[this.tone]}</span>${label}</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'status-badge': StatusBadge;
  }
}
