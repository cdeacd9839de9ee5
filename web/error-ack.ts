// A group's acknowledgement on its card: "Acknowledged by X at T" with Undo, or an Acknowledge button. The write
// goes through the API client; the page reloads its groups when told (`error-ack-changed`), so what is shown is
// always what the server holds.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ErrorGroup } from '../shared/api.js';
import type { ApiClient } from './api-client.js';
import { formatDateTime } from './format.js';
import { baseStyles } from './ui-styles.js';

/** The event the page reloads its groups on (Lit binds listeners by literal name: `@error-ack-changed`). */
export const ACK_CHANGED = 'error-ack-changed';

@customElement('error-ack')
export class ErrorAck extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 10px;
        align-items: baseline;
        font-size: 13px;
      }
      .acked {
        color: var(--text-muted);
      }
    `,
  ];

  @property({ attribute: false }) group!: ErrorGroup;
  @property({ attribute: false }) api!: ApiClient;
  @state() private busy = false;
  @state() private failure: string | null = null;

  private async change(acknowledge: boolean): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.failure = null;
    try {
      const g = this.group;
      if (acknowledge) await this.api.acknowledgeErrorGroup(g, g.lastSeen);
      else await this.api.unacknowledgeErrorGroup(g);
      this.dispatchEvent(new CustomEvent(ACK_CHANGED, { bubbles: true, composed: true }));
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const ack = this.group.acknowledged;
    return html`${
      ack === null
        ? html`<button class="ack" ?disabled=${this.busy} @click=${() => void this.change(true)}>Acknowledge</button>`
        : html`<span class="acked">Acknowledged by ${ack.by} at ${formatDateTime(ack.at)}</span>
            <button class="unack" ?disabled=${this.busy} @click=${() => void this.change(false)}>Undo</button>`
    }
    ${this.failure === null ? nothing : html`<span class="error-text" role="alert">${this.failure}</span>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'error-ack': ErrorAck;
  }
}
