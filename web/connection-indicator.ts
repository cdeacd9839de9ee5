// The live connection's state, as the live client reports it: "live" only once the server said hello.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { CONNECTION_LABELS, type ConnectionState } from './live-state.js';
import { baseStyles } from './ui-styles.js';

const DESCRIPTIONS: Record<ConnectionState, string> = {
  connecting: 'Connecting to the live stream',
  live: 'Receiving live updates',
  reconnecting: 'Connection lost, reconnecting; the page may be out of date',
  offline: 'Offline: no live updates; retrying in the background',
};

@customElement('connection-indicator')
export class ConnectionIndicator extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-flex;
      }
      .indicator {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        padding: 2px 10px;
        border-radius: 999px;
        border: 1px solid var(--border);
        font-size: 12px;
        font-weight: 600;
        white-space: nowrap;
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--tone-abandoned);
      }
      .live .dot {
        background: var(--tone-success);
      }
      .reconnecting .dot,
      .connecting .dot {
        background: var(--tone-partial);
        animation: pulse 1s ease-in-out infinite alternate;
      }
      .offline .dot {
        background: var(--tone-failure);
      }
      @keyframes pulse {
        to {
          opacity: 0.3;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .dot {
          animation: none !important;
        }
      }
    `,
  ];

  @property() state: ConnectionState = 'connecting';

  override render() {
    return html`<span
      class="indicator ${this.state}"
      role="status"
      aria-live="polite"
      title=${DESCRIPTIONS[this.state]}
      data-state=${this.state}
      ><span class="dot" aria-hidden="true"></span
      ><span class="visually-hidden">Connection: </span>${CONNECTION_LABELS[this.state]}</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'connection-indicator': ConnectionIndicator;
  }
}
