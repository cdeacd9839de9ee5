// One group of errors sharing a fingerprint: its title (what varies as placeholders) with one real message, how
// many, where, since when, new or recurring, and whether someone acknowledged it.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ErrorGroup } from '../shared/api.js';
import type { ApiClient } from './api-client.js';
import './error-ack.js';
import { titleParts, titleText } from './error-title.js';
import { ClockController } from './clock-controller.js';
import { formatCount, formatDateTime, formatRelative, plural } from './format.js';
import { errorsHref, pipelineHref, runHref } from './routes.js';
import { baseStyles, blockStyles } from './ui-styles.js';

@customElement('error-group-card')
export class ErrorGroupCard extends LitElement {
  static override styles = [
    baseStyles,
    blockStyles,
    css`
      article {
        padding: 10px 14px;
        display: grid;
        gap: 6px;
      }
      .top {
        display: flex;
        gap: 10px;
        align-items: baseline;
        flex-wrap: wrap;
      }
      .message {
        font-weight: 600;
        overflow-wrap: anywhere;
        white-space: pre-wrap;
        flex: 1 1 300px;
      }
      .title var {
        font-style: normal;
        font-family: var(--mono);
        font-size: 0.9em;
        padding: 0 3px;
        border-radius: 3px;
        background: var(--surface-2);
      }
      .example {
        font-size: 12px;
        overflow-wrap: anywhere;
        white-space: pre-wrap;
      }
      .new {
        color: var(--tone-failure);
      }
      .recurring {
        color: var(--tone-partial);
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 14px;
        font-size: 12px;
        color: var(--text-muted);
      }
      .count {
        font-size: 18px;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      .ids {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 8px;
        font-size: 12px;
      }
      .actions {
        display: flex;
        gap: 14px;
        font-size: 13px;
      }
    `,
  ];

  @property({ attribute: false }) group!: ErrorGroup;
  /** For the acknowledgement's writes; without it the card shows the acknowledgement but offers no button. */
  @property({ attribute: false }) api: ApiClient | null = null;
  private readonly clock = new ClockController(this);

  override render() {
    const g = this.group;
    const now = this.clock.now;
    const title = titleText(g.title);
    return html`<article
      class="card"
      data-fingerprint=${g.fingerprint}
      data-acknowledged=${g.acknowledged !== null}
      aria-label="Error group: ${title}"
    >
      <div class="top">
        <span class="count" title="occurrences">${formatCount(g.count)}×</span>
        <span class="message title"
          >${titleParts(g.title).map((part) =>
            'text' in part ? part.text : html`<var title=${part.meaning}>${part.placeholder}</var>`,
          )}</span
        >
        ${
          g.isNew
            ? html`<span class="badge new" data-badge="new">new</span>`
            : html`<span class="badge recurring" data-badge="recurring">recurring</span>`
        }
      </div>
      ${
        title === g.sampleMessage
          ? nothing
          : html`<div class="example"><span class="muted">For example:</span> ${g.sampleMessage}</div>`
      }
      <div class="meta">
        <span><a href=${pipelineHref(g.club, g.pipeline)}>${g.club} / ${g.pipeline}</a></span>
        ${g.system === null ? nothing : html`<span>system <strong>${g.system}</strong></span>`}
        <span>${plural(g.runsAffected, 'run')}</span>
        <span>${plural(g.identifiersAffected, 'record')}</span>
        <span title=${formatDateTime(g.firstSeen)}>first seen ${formatRelative(g.firstSeen, now)}</span>
        <span title=${formatDateTime(g.lastSeen)}>last seen ${formatRelative(g.lastSeen, now)}</span>
      </div>
      ${
        g.sampleIdentifiers.length === 0
          ? nothing
          : html`<div class="ids" aria-label="Some records affected">
              ${g.sampleIdentifiers.map(
                (id) =>
                  html`<a class="mono" href=${errorsHref({ club: g.club, pipeline: g.pipeline, identifier: id })}
                    >${id}</a
                  >`,
              )}
              ${
                g.identifiersAffected > g.sampleIdentifiers.length
                  ? html`<span class="muted"
                      >and ${formatCount(g.identifiersAffected - g.sampleIdentifiers.length)} more</span
                    >`
                  : nothing
              }
            </div>`
      }
      <div class="actions">
        <a href=${errorsHref({ club: g.club, pipeline: g.pipeline, fingerprint: g.fingerprint })}
          >All ${formatCount(g.count)} occurrences</a
        >
        <a href=${runHref(g.latestRunId)}>Latest run #${g.latestRunId}</a>
      </div>
      ${
        this.api === null
          ? g.acknowledged === null
            ? nothing
            : html`<div class="muted acked">
                Acknowledged by ${g.acknowledged.by} at ${formatDateTime(g.acknowledged.at)}
              </div>`
          : html`<error-ack .group=${g} .api=${this.api}></error-ack>`
      }
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'error-group-card': ErrorGroupCard;
  }
}
