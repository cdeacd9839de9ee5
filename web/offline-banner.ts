// A banner across the page while the live socket has been down for more than 3 s: what is shown may be stale,
// and since when. Gone once the socket is live again (its hello resumes or refetches what was missed).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { formatDateTime } from './format.js';
import type { ConnectionModel } from './live-state.js';
import { offlineBanner } from './offline-banner-model.js';
import type { Services } from './services.js';
import { baseStyles } from './ui-styles.js';

@customElement('offline-banner')
export class OfflineBanner extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      /* Nothing to say: no space taken (the header would otherwise wrap an empty row). */
      :host([hidden]) {
        display: none;
      }
      .banner {
        padding: 6px 20px;
        background: var(--banner-bg, #7a4d00);
        color: #fff;
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) services!: Services;
  /** When the data went stale, while the banner shows. */
  @state() private staleSince: number | null = null;

  private unsubscribe: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private model: ConnectionModel | null = null;
  /** When this page first saw the socket down (the live client has no time for a browser gone offline). */
  private seenDownAt: number | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.services.live.onState((model) => {
      this.model = model;
      this.decide();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
  }

  private decide(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const model = this.model;
    if (model === null) return;
    const now = Date.now();
    if (model.state === 'live') this.seenDownAt = null;
    else this.seenDownAt ??= now;
    const decision = offlineBanner(model.state, model.downSince ?? this.seenDownAt, now);
    this.staleSince = decision.show ? decision.since : null;
    if (!decision.show && decision.recheckInMs !== null)
      this.timer = setTimeout(() => this.decide(), decision.recheckInMs);
  }

  protected override willUpdate(): void {
    this.hidden = this.staleSince === null;
  }

  override render() {
    if (this.staleSince === null) return nothing;
    return html`<div class="banner" role="alert" data-stale-since=${this.staleSince}>
      Reconnecting… data may be stale since ${formatDateTime(this.staleSince).slice(11)}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'offline-banner': OfflineBanner;
  }
}
