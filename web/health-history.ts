// A pipeline's health history: each change of state (from → to), since when, and why, newest first, with older
// changes a click away (keyset pages). Reloads its first page when `revision` changes (the live health).
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { HealthHistoryEntry } from '../shared/health.js';
import { formatDateTime } from './format.js';
import { ATTENTION_STATES } from './health-words.js';
import type { Services } from './services.js';
import { baseStyles } from './ui-styles.js';

const PAGE_SIZE = 20;

@customElement('health-history')
export class HealthHistory extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      h2 {
        margin: 0 0 6px;
        font-size: 16px;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        padding: 6px 0;
        border-bottom: 1px solid var(--border);
        overflow-wrap: anywhere;
      }
      .change {
        font-weight: 600;
      }
      .attention {
        color: var(--tone-failure);
      }
    `,
  ];

  @property({ attribute: false }) services!: Services;
  @property() club = '';
  @property() pipeline = '';
  /** Any new value reloads the newest page. */
  @property({ attribute: false }) revision: unknown = null;

  @state() private entries: HealthHistoryEntry[] = [];
  @state() private nextCursor: string | null = null;
  @state() private loaded = false;
  @state() private loading = false;
  @state() private loadError: string | null = null;
  private generation = 0;

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('club') || changed.has('pipeline')) {
      this.entries = [];
      this.nextCursor = null;
      this.loaded = false;
    }
    if (changed.has('club') || changed.has('pipeline') || changed.has('revision') || changed.has('services'))
      void this.load();
  }

  private async load(): Promise<void> {
    if (!this.services || this.club === '' || this.pipeline === '') return;
    const generation = ++this.generation;
    try {
      const page = await this.services.api.healthHistory(this.club, this.pipeline, { limit: PAGE_SIZE });
      if (generation !== this.generation) return;
      const oldestNew = page.items[page.items.length - 1]?.id ?? Infinity;
      const older = this.entries.filter((entry) => entry.id < oldestNew);
      // Older pages the operator already opened stay open; otherwise the first page's cursor leads on.
      const keepOlder = older.length > 0 && page.nextCursor !== null;
      this.entries = keepOlder ? [...page.items, ...older] : page.items;
      if (!keepOlder) this.nextCursor = page.nextCursor;
      this.loadError = null;
      this.loaded = true;
    } catch (error) {
      if (generation === this.generation) this.loadError = error instanceof Error ? error.message : String(error);
    }
  }

  private async loadOlder(): Promise<void> {
    if (this.loading || this.nextCursor === null) return;
    const generation = this.generation;
    this.loading = true;
    try {
      const page = await this.services.api.healthHistory(this.club, this.pipeline, {
        cursor: this.nextCursor,
        limit: PAGE_SIZE,
      });
      if (generation !== this.generation) return;
      const known = new Set(this.entries.map((entry) => entry.id));
      this.entries = [...this.entries, ...page.items.filter((entry) => !known.has(entry.id))];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  private renderEntry(entry: HealthHistoryEntry) {
    const attention = ATTENTION_STATES.has(entry.to);
    return html`<li data-from=${entry.from ?? ''} data-to=${entry.to}>
      <span class="change ${attention ? 'attention' : ''}"
        >${entry.from === null ? 'first judged' : entry.from} → ${entry.to}</span
      >
      <span class="muted" title="noticed ${formatDateTime(entry.at)}">since ${formatDateTime(entry.since)}</span>
      <div class="reason">${entry.reason}</div>
    </li>`;
  }

  override render() {
    return html`<section class="card" aria-labelledby="health-history-title" data-section="health-history">
      <h2 id="health-history-title">Health history</h2>
      ${
        this.loadError === null
          ? null
          : html`<p class="error-text" role="alert">Could not load the health history: ${this.loadError}</p>`
      }
      ${
        !this.loaded
          ? html`<p class="muted">Loading…</p>`
          : this.entries.length === 0
            ? html`<p class="muted">No change of health recorded yet.</p>`
            : html`<ol>
                ${this.entries.map((entry) => this.renderEntry(entry))}
              </ol>`
      }
      ${
        this.nextCursor === null
          ? null
          : html`<button @click=${() => void this.loadOlder()} ?disabled=${this.loading}>
              ${this.loading ? 'Loading…' : 'Load older changes'}
            </button>`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'health-history': HealthHistory;
  }
}
