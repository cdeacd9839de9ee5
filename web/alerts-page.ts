// The Alerts page: the channels and whether each works (failing ones first, with their last error), a test
// button per channel, and the alerts sent, newest first, with each channel's delivery. Refreshed when a pipeline's
// health changes (the live overview topic: alerts follow health changes) and every few seconds while retries run.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { AlertChannelView, AlertView } from '../shared/alerts.js';
import { DELIVERY_WORDS, channelOrder } from './alert-words.js';
import { renderDataTable } from './data-table.js';
import { formatDateTime, formatRelative } from './format.js';
import { pipelineHref, runHref } from './routes.js';
import type { Services } from './services.js';
import { baseStyles, columnStyles, tableStyles } from './ui-styles.js';
import './alert-channel-card.js';

const PAGE_SIZE = 50;
/** Deliveries change without a health change (retries, give-ups): look again this often. */
const POLL_MS = 10_000;
/** Health changes come in bursts: reload at most this often. */
const REFRESH_MS = 1000;

@customElement('alerts-page')
export class AlertsPage extends LitElement {
  static override styles = [
    baseStyles,
    columnStyles,
    tableStyles,
    css`
      section {
        display: grid;
        gap: 8px;
      }
      .channels {
        display: grid;
        gap: 8px;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 340px), 1fr));
      }
      th,
      td {
        vertical-align: top;
      }
      th {
        white-space: nowrap;
      }
      td.when,
      td.nowrap {
        white-space: nowrap;
      }
      td.msg {
        overflow-wrap: anywhere;
        min-width: 14em;
      }
      ul.deliveries {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 4px;
        min-width: 12em;
      }
      .delivery-error {
        display: block;
        font-size: 12px;
        overflow-wrap: anywhere;
      }
      .more,
      .failure {
        padding: 10px;
      }
    `,
  ];

  @property({ attribute: false }) services!: Services;
  @property({ attribute: false }) club: string | null = null;

  @state() private channels: AlertChannelView[] | null = null;
  @state() private alerts: AlertView[] | null = null;
  @state() private cursor: string | null = null;
  @state() private loadError: string | null = null;
  @state() private loadingMore = false;
  @state() private loadMoreError: string | null = null;

  private generation = 0;
  private unsubscribe: (() => void) | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.subscribe();
    this.pollTimer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.load();
    }, POLL_MS);
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.pollTimer = null;
    this.refreshTimer = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('club') && changed.get('club') !== undefined && this.isConnected) {
      this.subscribe();
      void this.load();
    }
  }

  /** Health changes of the shown club: an alert may have been written. */
  private subscribe(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.services.live.subscribe({
      topics: [this.club === null ? { kind: 'overview' } : { kind: 'overview', club: this.club }],
      onBatch: (messages) => {
        if (messages.some((m) => m.type === 'health')) this.scheduleRefresh();
      },
      onResync: () => void this.load(),
    });
  }

  private scheduleRefresh(): void {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = null;
      void this.load();
    }, REFRESH_MS);
  }

  /** Channels and the first page again; pages loaded beyond the first are kept in step by reloading as many. */
  private async load(): Promise<void> {
    const generation = ++this.generation;
    const limit = Math.max(PAGE_SIZE, Math.min(500, this.alerts?.length ?? 0));
    try {
      const [channels, page] = await Promise.all([
        this.services.api.alertChannels(),
        this.services.api.alerts({ club: this.club, limit }),
      ]);
      if (generation !== this.generation) return;
      this.channels = [...channels.channels].sort(channelOrder);
      this.alerts = page.items;
      this.cursor = page.nextCursor;
      this.loadError = null;
    } catch (error) {
      if (generation === this.generation) this.loadError = error instanceof Error ? error.message : String(error);
    }
  }

  private async loadMore(): Promise<void> {
    if (this.cursor === null || this.loadingMore) return;
    const generation = this.generation;
    this.loadingMore = true;
    this.loadMoreError = null;
    try {
      const page = await this.services.api.alerts({ club: this.club, cursor: this.cursor, limit: PAGE_SIZE });
      if (generation !== this.generation) return;
      const known = new Set((this.alerts ?? []).map((a) => a.alertId));
      this.alerts = [...(this.alerts ?? []), ...page.items.filter((a) => !known.has(a.alertId))];
      this.cursor = page.nextCursor;
    } catch (error) {
      if (generation === this.generation) this.loadMoreError = error instanceof Error ? error.message : String(error);
    } finally {
      this.loadingMore = false;
    }
  }

  private renderChannels() {
    const channels = this.channels;
    if (channels === null) return html`<p class="muted">Loading…</p>`;
    if (channels.length === 0)
      return html`<p class="muted">
        No alert channels are configured. Add <code>alerts: channels:</code> and <code>rules:</code> to the config file
        (see the README, “Know when something is wrong”) and reload.
      </p>`;
    const failing = channels.filter((c) => c.failingSince !== null).length;
    return html`${
        failing > 0
          ? html`<p class="error-text" role="alert">
              ${failing === 1 ? '1 channel is' : `${failing} channels are`} failing: alerts are not reaching it.
            </p>`
          : nothing
      }
      <div class="channels">
        ${repeat(
          channels,
          // Keyed: a card keeps its own test result when the order changes (failing channels move first).
          (c) => c.name,
          (c) =>
            html`<alert-channel-card
              .services=${this.services}
              .channel=${c}
              @channel-tested=${() => this.scheduleRefresh()}
            ></alert-channel-card>`,
        )}
      </div>`;
  }

  private renderDeliveries(alert: AlertView) {
    if (alert.deliveries.length === 0) return html`<span class="muted">—</span>`;
    const now = Date.now();
    return html`<ul class="deliveries">
      ${alert.deliveries.map((d) => {
        const words = DELIVERY_WORDS[d.status];
        const detail =
          d.status === 'delivered'
            ? formatRelative(d.deliveredAt, now)
            : d.status === 'failing'
              ? `${d.attempts} ${d.attempts === 1 ? 'try' : 'tries'}, ${
                  d.nextAttemptAt !== null && d.nextAttemptAt > now + 5_000
                    ? `next ${formatRelative(d.nextAttemptAt, now)}`
                    : 'retrying now'
                }`
              : d.status === 'given-up'
                ? `after ${d.attempts} ${d.attempts === 1 ? 'try' : 'tries'}`
                : '';
        return html`<li data-delivery=${d.channel} data-status=${d.status}>
          <span class="mono">${d.channel}</span>
          <span class="badge tone-${words.tone}"><span aria-hidden="true">${words.glyph}</span>${words.label}</span>
          ${detail === '' ? nothing : html`<span class="muted">${detail}</span>`}
          ${d.lastError === null ? nothing : html`<span class="delivery-error error-text">${d.lastError}</span>`}
        </li>`;
      })}
    </ul>`;
  }

  private renderHistory() {
    const alerts = this.alerts;
    if (alerts === null) return html`<p class="muted">Loading…</p>`;
    if (alerts.length === 0)
      return html`<p class="muted">No alerts sent${this.club === null ? '' : ' for this club'}.</p>`;
    const now = Date.now();
    return html`${renderDataTable(
      'Alerts sent',
      ['When', 'Alert', 'Pipeline', 'What happened', 'Delivery'],
      alerts.map(
        (a) =>
          html`<tr data-alert-id=${a.alertId}>
            <td class="when" title=${formatDateTime(a.created)}>${formatRelative(a.created, now)}</td>
            <td class="nowrap">${a.kind}${a.reminder ? html` <span class="muted">(reminder)</span>` : nothing}</td>
            <td class="nowrap">
              <a href=${pipelineHref(a.club, a.pipeline)}>${a.club} / ${a.pipeline}</a>
              ${
                a.runId === null
                  ? nothing
                  : html`<br /><a href=${runHref(a.runId)} aria-label="Run ${a.runId} of ${a.pipeline}"
                        >run #${a.runId}</a
                      >`
              }
            </td>
            <td class="msg">${a.summary}</td>
            <td>${this.renderDeliveries(a)}</td>
          </tr>`,
      ),
    )}
    ${
      this.cursor === null
        ? nothing
        : html`<div class="more">
            ${
              this.loadMoreError === null
                ? nothing
                : html`<p class="error-text" role="alert">Could not load more: ${this.loadMoreError}</p>`
            }
            <button ?disabled=${this.loadingMore} @click=${() => void this.loadMore()}>Load more</button>
          </div>`
    }`;
  }

  override render() {
    return html`
      <h1>Alerts${this.club === null ? '' : html` <span class="muted">· ${this.club}</span>`}</h1>
      ${
        this.loadError === null
          ? nothing
          : html`<div class="card failure" role="alert">
              <p class="error-text">Could not load alerts: ${this.loadError}</p>
              <button @click=${() => void this.load()}>Retry</button>
            </div>`
      }
      <section aria-labelledby="channels-title">
        <h2 id="channels-title">Channels</h2>
        ${this.renderChannels()}
      </section>
      <section aria-labelledby="history-title" class="card" style="padding: 10px 12px">
        <h2 id="history-title">Alerts sent</h2>
        ${this.renderHistory()}
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'alerts-page': AlertsPage;
  }
}
