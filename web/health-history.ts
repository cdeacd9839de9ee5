// A pipeline's health history: each change of state (from → to), since when, and why, newest first, with older
// changes a click away (keyset pages). Reloads its first page when `revision` changes (the live health).
import { css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Page } from '../shared/api.js';
import type { HealthHistoryEntry } from '../shared/health.js';
import { formatDateTime } from './format.js';
import { ATTENTION_STATES } from './health-words.js';
import { PipelineSection } from './pipeline-section.js';
import { baseStyles, sectionStyles } from './ui-styles.js';

const PAGE_SIZE = 20;

@customElement('health-history')
export class HealthHistory extends PipelineSection<Page<HealthHistoryEntry>> {
  static override styles = [
    baseStyles,
    sectionStyles,
    css`
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

  @state() private entries: HealthHistoryEntry[] = [];
  @state() private nextCursor: string | null = null;
  @state() private loaded = false;
  @state() private loading = false;

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('club') || changed.has('pipeline')) {
      this.entries = [];
      this.nextCursor = null;
      this.loaded = false;
    }
    super.updated(changed);
  }

  /** The newest page. */
  protected override request(): Promise<Page<HealthHistoryEntry>> {
    return this.services.api.healthHistory(this.club, this.pipeline, { limit: PAGE_SIZE });
  }

  protected override show(page: Page<HealthHistoryEntry>): void {
    const oldestNew = page.items[page.items.length - 1]?.id ?? Infinity;
    const older = this.entries.filter((entry) => entry.id < oldestNew);
    // Older pages the operator already opened stay open; otherwise the first page's cursor leads on.
    const keepOlder = older.length > 0 && page.nextCursor !== null;
    this.entries = keepOlder ? [...page.items, ...older] : page.items;
    if (!keepOlder) this.nextCursor = page.nextCursor;
    this.loaded = true;
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
