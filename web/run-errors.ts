// A run's errors: identifier, system, step, message, a link to the log line, and the stack on demand.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ErrorView } from '../shared/api.js';
import { formatClock, formatCount } from './format.js';
import { errorsHref, runHref } from './routes.js';
import { baseStyles } from './ui-styles.js';

@customElement('run-errors')
export class RunErrors extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        padding: 8px 12px;
        border-top: 1px solid var(--border);
      }
      li:first-child {
        border-top: none;
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 12px;
        font-size: 12px;
        color: var(--text-muted);
      }
      .message {
        color: var(--tone-failure);
        font-weight: 600;
        overflow-wrap: anywhere;
        white-space: pre-wrap;
      }
      details summary {
        cursor: pointer;
        font-size: 12px;
        color: var(--link);
        width: fit-content;
      }
      pre {
        margin: 6px 0 0;
        padding: 8px;
        background: var(--surface-2);
        border-radius: 6px;
        overflow: auto;
        max-height: 320px;
        font-family: var(--mono);
        font-size: 12px;
        white-space: pre;
      }
      .more {
        padding: 8px 12px;
      }
    `,
  ];

  @property({ attribute: false }) errors: ErrorView[] = [];
  @property({ type: Boolean }) hasMore = false;
  @property({ type: Boolean }) loading = false;

  override render() {
    if (this.errors.length === 0) return html`<p class="more muted">No errors in this run.</p>`;
    return html`<ul>
        ${this.errors.map(
          (e) =>
            html`<li data-error-id=${e.id}>
              <div class="message">${e.message}</div>
              <div class="meta">
                ${
                  e.identifier === null
                    ? nothing
                    : html`<span
                        >record
                        <a href=${errorsHref({ club: e.club, pipeline: e.pipeline, identifier: e.identifier })}
                          ><strong class="mono">${e.identifier}</strong></a
                        ></span
                      >`
                }
                ${e.system === null ? nothing : html`<span>system <strong>${e.system}</strong></span>`}
                ${e.step === null ? nothing : html`<span>step <strong>${e.step}</strong></span>`}
                <span>${formatClock(e.time)}</span>
                <a href=${runHref(e.runId, e.offset)} aria-label="Show the log line of this error">log line</a>
                <a
                  href=${errorsHref({ club: e.club, pipeline: e.pipeline, fingerprint: e.fingerprint })}
                  title="Every error like this one"
                  >similar errors</a
                >
              </div>
              ${
                e.stack === null
                  ? nothing
                  : html`<details>
                      <summary>Stack trace</summary>
                      <pre>${e.stack}</pre>
                    </details>`
              }
            </li>`,
        )}
      </ul>
      ${
        this.hasMore
          ? html`<div class="more">
              <button
                ?disabled=${this.loading}
                @click=${() => this.dispatchEvent(new CustomEvent('load-more', { bubbles: true, composed: true }))}
              >
                ${this.loading ? 'Loading…' : `Show more than ${formatCount(this.errors.length)}`}
              </button>
            </div>`
          : nothing
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-errors': RunErrors;
  }
}
