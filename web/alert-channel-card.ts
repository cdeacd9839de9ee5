// One alert channel: where it sends (masked), whether it works (a failing channel says so first, with its last
// error and since when), and a "Send test alert" button that shows what the channel answered.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AlertChannelView, TestAlertOutcome } from '../shared/alerts.js';
import { channelHealth } from './alert-words.js';
import { formatCount, formatDateTime, formatRelative } from './format.js';
import type { Services } from './services.js';
import { baseStyles, blockStyles } from './ui-styles.js';

@customElement('alert-channel-card')
export class AlertChannelCard extends LitElement {
  static override styles = [
    baseStyles,
    blockStyles,
    css`
      article {
        padding: 10px 12px;
        display: grid;
        gap: 6px;
        border-left: 4px solid var(--border);
      }
      article.failing {
        border-left-color: var(--tone-failure);
      }
      article.ok {
        border-left-color: var(--tone-success);
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 10px;
        align-items: baseline;
      }
      h3 {
        overflow-wrap: anywhere;
      }
      .target {
        overflow-wrap: anywhere;
        font-size: 13px;
      }
      .last-error {
        margin: 0;
        padding: 6px 8px;
        background: var(--surface-2);
        border-radius: 6px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-family: var(--mono);
        font-size: 12px;
      }
      dl {
        display: flex;
        flex-wrap: wrap;
        gap: 2px 16px;
        margin: 0;
        font-size: 13px;
      }
      dl div {
        display: flex;
        gap: 4px;
      }
      dt {
        color: var(--text-muted);
      }
      dd {
        margin: 0;
      }
      .test {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 10px;
        align-items: center;
      }
      .test p {
        margin: 0;
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) services!: Services;
  @property({ attribute: false }) channel!: AlertChannelView;

  @state() private sending = false;
  /** This page's own test: shown until the next one (the channel's `lastTest` may be someone else's). */
  @state() private outcome: TestAlertOutcome | null = null;
  @state() private requestError: string | null = null;

  private async sendTest(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    this.requestError = null;
    try {
      this.outcome = await this.services.api.testAlert(this.channel.name);
      this.dispatchEvent(new CustomEvent('channel-tested', { bubbles: true, composed: true }));
    } catch (error) {
      this.outcome = null;
      this.requestError = error instanceof Error ? error.message : String(error);
    } finally {
      this.sending = false;
    }
  }

  private renderTestResult() {
    if (this.sending) return html`<p class="muted">Sending a test…</p>`;
    if (this.requestError !== null) return html`<p class="error-text">Could not send: ${this.requestError}</p>`;
    const outcome = this.outcome ?? this.channel.lastTest;
    if (outcome === null) return nothing;
    const when = formatRelative(outcome.at, Date.now());
    return outcome.ok
      ? html`<p class="tone-success" data-test-result="delivered">
          <span aria-hidden="true">✓</span> Test delivered (${when})
        </p>`
      : html`<p class="error-text" data-test-result="failed">
          <span aria-hidden="true">✕</span> Test failed (${when}): ${outcome.error}
        </p>`;
  }

  override render() {
    const c = this.channel;
    const health = channelHealth(c);
    const now = Date.now();
    const titleId = `channel-${c.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    return html`<article class="card ${health}" data-channel=${c.name} data-health=${health} aria-labelledby=${titleId}>
      <div class="head">
        <h3 id=${titleId}>${c.name}</h3>
        <span class="muted">${c.type}</span>
        ${
          health === 'failing'
            ? html`<span class="badge tone-failure"><span aria-hidden="true">✕</span>failing</span>`
            : health === 'ok'
              ? html`<span class="badge tone-success"><span aria-hidden="true">✓</span>working</span>`
              : html`<span class="badge tone-ended">nothing sent yet</span>`
        }
      </div>
      <div class="target mono">${c.target}</div>
      ${
        health === 'failing'
          ? html`<p class="error-text" style="margin:0">
                Failing since
                <time datetime=${new Date(c.failingSince ?? now).toISOString()}>${formatDateTime(c.failingSince)}</time>
                (${formatRelative(c.failingSince, now)}); retried with backoff, given up after 24 h.
              </p>
              ${c.lastError === null ? nothing : html`<pre class="last-error"><span class="visually-hidden">Last error: </span>${c.lastError}</pre>`}`
          : c.lastError !== null
            ? html`<p class="muted" style="margin:0">Earlier error: <span class="mono">${c.lastError}</span></p>`
            : nothing
      }
      <dl>
        <div>
          <dt>Last delivery</dt>
          <dd>${c.lastDeliveredAt === null ? 'never' : formatRelative(c.lastDeliveredAt, now)}</dd>
        </div>
        <div>
          <dt>Waiting</dt>
          <dd>${formatCount(c.pending)}</dd>
        </div>
        <div>
          <dt>Given up</dt>
          <dd>${formatCount(c.givenUp)}</dd>
        </div>
      </dl>
      <div class="test">
        <button ?disabled=${this.sending} @click=${() => void this.sendTest()}>
          Send test alert<span class="visually-hidden"> through ${c.name}</span>
        </button>
        <div role="status" aria-live="polite">${this.renderTestResult()}</div>
      </div>
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'alert-channel-card': AlertChannelCard;
  }
}
