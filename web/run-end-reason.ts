// Why a run ended. A failed `runboard exec` run's reason carries the command's last stderr lines: those are shown
// as a headline and a monospace block right under the run's title (as CI systems show a failing step's tail), so
// the operator reads the cause without digging through the log. Any other reason stays one quiet line.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { RunStatus } from '../shared/events.js';
import { splitEndReason } from '../shared/end-reason.js';
import { baseStyles } from './ui-styles.js';

@customElement('run-end-reason')
export class RunEndReason extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .line {
        margin: 10px 0 0;
      }
      .tail-box {
        margin-top: 12px;
        border: 1px solid var(--border);
        border-left: 4px solid var(--text-muted);
        border-radius: 6px;
        padding: 8px 10px;
        background: var(--surface-2);
      }
      .tail-box.failure {
        border-left-color: var(--tone-failure);
      }
      .headline {
        margin: 0 0 6px;
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .failure .headline {
        color: var(--tone-failure);
      }
      .details {
        margin: 0 0 6px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .label {
        font-size: 12px;
        color: var(--text-muted);
        margin: 0 0 4px;
      }
      pre {
        margin: 0;
        font-family: var(--mono);
        font-size: 12.5px;
        line-height: 1.45;
        /* Lines wrap rather than scroll sideways (phones); the box scrolls when the tail is taller than it. */
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        max-height: 22em;
        overflow: auto;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 4px;
        padding: 6px 8px;
      }
    `,
  ];

  @property() reason: string | null = null;
  @property() status: RunStatus = 'running';
  @query('pre') private tailBlock?: HTMLElement;

  protected override updated(changed: PropertyValues<this>): void {
    // The last line is the one nearest the failure: show it even when the block has to scroll.
    if (changed.has('reason') && this.tailBlock) this.tailBlock.scrollTop = this.tailBlock.scrollHeight;
  }

  override render() {
    if (this.reason === null) return nothing;
    const { headline, details, stderrTail } = splitEndReason(this.reason);
    if (stderrTail === null)
      return html`<p class="line"><strong>Ended:</strong> <span class="mono">${this.reason}</span></p>`;
    // Lit binds text as text: whatever the command printed (markup, escapes) cannot become page content.
    return html`<section
      class="tail-box ${this.status === 'failure' ? 'failure' : ''}"
      aria-label="Why the run ended"
      data-stderr-tail
    >
      <p class="headline" data-headline>${headline}</p>
      ${details === null ? nothing : html`<p class="details mono">${details}</p>`}
      <p class="label">Last lines on stderr</p>
      <pre tabindex="0" aria-label="Last lines on stderr">${stderrTail}</pre>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-end-reason': RunEndReason;
  }
}
