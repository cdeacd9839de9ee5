// One log line in full: time, level, step, event, byte offset, message and fields, with a link to it. Shown
// in place under the selected line (or beside the log on wide screens), so it opens where the operator looks.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { LogLineView } from '../shared/api.js';
import { levelLabel } from '../shared/events.js';
import { formatClock, formatDateTime } from './format.js';
import { splitErr } from './log-err.js';
import { baseStyles, shrinkingBlockStyles } from './ui-styles.js';

@customElement('log-line-detail')
export class LogLineDetail extends LitElement {
  static override styles = [
    baseStyles,
    shrinkingBlockStyles,
    css`
      :host {
        height: 100%;
      }
      .detail {
        box-sizing: border-box;
        height: 100%;
        padding: 8px 12px;
        display: flex;
        flex-direction: column;
        gap: 6px;
        overflow: auto;
        font-family: var(--sans);
        background: var(--surface-2);
        border-left: 3px solid var(--focus);
        white-space: normal;
      }
      pre {
        margin: 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-family: var(--mono);
        font-size: 12px;
      }
      .head {
        display: flex;
        gap: 4px 12px;
        flex-wrap: wrap;
        align-items: baseline;
        line-height: 1.4;
      }
      .head button {
        margin-left: auto;
      }
    `,
  ];

  @property({ attribute: false }) line: LogLineView | null = null;
  /** The deep link to this line. */
  @property() href = '';

  override render() {
    const line = this.line;
    if (line === null) return nothing;
    const level = levelLabel(line.level);
    return html`<section class="detail" aria-label="Selected log line" data-offset=${line.offset}>
      <div class="head">
        <strong style=${styleMap({ color: `var(--level-${level})` })}>${level.toUpperCase()}</strong>
        <span>${formatDateTime(line.time)} <span class="muted">(${formatClock(line.time)})</span></span>
        ${line.step === null ? nothing : html`<span>step <strong class="detail-step">${line.step}</strong></span>`}
        ${line.event === null ? nothing : html`<span class="muted">event ${line.event}</span>`}
        <span class="muted">byte offset ${line.offset}</span>
        <a href=${this.href}>Link to this line</a>
        <button @click=${() => this.dispatchEvent(new CustomEvent('close', { bubbles: true, composed: true }))}>
          Close
        </button>
      </div>
      <pre class="detail-msg">${line.msg ?? ''}</pre>
      ${this.renderErrAndData()}
    </section>`;
  }

  private renderErrAndData() {
    const { err, rest } = splitErr(this.line?.data ?? null);
    return html`${
      err === null
        ? nothing
        : html`<div class="detail-err">
            <pre><strong>${err.type ?? 'Error'}</strong>: ${err.message}</pre>
            ${err.stack === null ? nothing : html`<pre class="muted detail-stack">${err.stack}</pre>`}
            ${err.extra === null ? nothing : html`<pre class="detail-err-extra">${JSON.stringify(err.extra, null, 2)}</pre>`}
          </div>`
    }
    ${rest === null ? nothing : html`<pre class="muted detail-data">${JSON.stringify(rest, null, 2)}</pre>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'log-line-detail': LogLineDetail;
  }
}
