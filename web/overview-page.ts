// The overview: every pipeline grouped by club, the most urgent (missed, late, stuck, failing) first, running runs
// pinned on top, all kept current by the live socket (run states, step progress and health of the `overview`
// topic) without reloading.
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LiveDataMessage, PipelineSummary } from '../shared/api.js';
import { LiveDataController } from './live-data-controller.js';
import { applyHealth, applyRuns, applySteps, groupByClub, runningPipelines } from './overview-model.js';
import { plural } from './format.js';
import { pipelineHref } from './routes.js';
import type { Services } from './services.js';
import { baseStyles } from './ui-styles.js';
import './pipeline-row.js';
import './running-run-card.js';

@customElement('overview-page')
export class OverviewPage extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: grid;
        gap: 20px;
      }
      section {
        display: grid;
        gap: 8px;
      }
      .running {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(340px, 1fr));
        gap: 10px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li + li {
        border-top: 1px solid var(--border);
      }
      .club-head {
        display: flex;
        align-items: baseline;
        gap: 8px;
      }
      .empty {
        padding: 24px;
        text-align: center;
      }
    `,
  ];

  @property({ attribute: false }) services!: Services;
  @property({ attribute: false }) club: string | null = null;

  @state() private pipelines: PipelineSummary[] = [];

  private readonly live = new LiveDataController(this, {
    source: () => this.services?.live,
    topics: () => [this.club === null ? { kind: 'overview' } : { kind: 'overview', club: this.club }],
    reload: () => void this.load(),
    onBatch: (messages) => this.onBatch(messages),
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('club') && this.live.resubscribe()) void this.load();
  }

  private load(): Promise<void> {
    return this.live.load(() => this.services.api.pipelines(this.club), {
      // Live batches that came while the fetch was in flight go on top of its snapshot (re-applying is idempotent).
      apply: (pipelines, held) => (this.pipelines = held.reduce((next, batch) => this.fold(next, batch), pipelines)),
    });
  }

  private fold(pipelines: PipelineSummary[], messages: readonly LiveDataMessage[]): PipelineSummary[] {
    let next = pipelines;
    for (const message of messages) {
      if (message.type === 'runs') {
        const runs = this.club === null ? message.runs : message.runs.filter((r) => r.club === this.club);
        next = applyRuns(next, runs);
      } else if (message.type === 'steps') {
        next = applySteps(next, message.runId, message.steps);
      } else if (message.type === 'health') {
        const items = this.club === null ? message.items : message.items.filter((i) => i.club === this.club);
        next = applyHealth(next, items);
      }
    }
    return next;
  }

  private onBatch(messages: readonly LiveDataMessage[]): void {
    // A run deleted (retention, or its file started over) may be a pipeline's last run: fetch the summaries anew.
    if (messages.some((m) => m.type === 'removed')) {
      void this.load();
      return;
    }
    // A fetch in flight also gets this batch (its snapshot may predate it): see load.
    this.pipelines = this.fold(this.pipelines, messages);
  }

  override render() {
    if (!this.live.loaded) return html`<p class="muted" aria-busy="true">Loading pipelines…</p>`;
    const running = runningPipelines(this.pipelines, this.club);
    const groups = groupByClub(this.pipelines, this.club);
    return html`
      <h1>Overview${this.club === null ? '' : html` <span class="muted">· ${this.club}</span>`}</h1>
      ${this.live.error ? html`<p class="error-text" role="alert">Could not load pipelines: ${this.live.error}</p>` : null}
      <section aria-labelledby="running-title" data-section="running">
        <h2 id="running-title">Running now <span class="muted">(${running.length})</span></h2>
        ${
          running.length === 0
            ? html`<p class="muted">Nothing is running.</p>`
            : html`<div class="running">
                ${running.map((p) => html`<running-run-card .summary=${p}></running-run-card>`)}
              </div>`
        }
      </section>
      ${
        groups.length === 0
          ? html`<div class="card empty muted">
              No pipelines yet. Runs appear here as soon as a pipeline writes its first line.
            </div>`
          : groups.map(
              (group) =>
                html`<section aria-label="Club ${group.club}" data-club=${group.club}>
                  <div class="club-head">
                    <h2>${group.club}</h2>
                    <span class="muted">${plural(group.pipelines.length, 'pipeline')}</span>
                  </div>
                  <ul class="card">
                    ${group.pipelines.map(
                      (p) =>
                        html`<li
                          aria-label=${`${p.club} / ${p.pipeline}`}
                          data-href=${pipelineHref(p.club, p.pipeline)}
                        >
                          <pipeline-row .summary=${p}></pipeline-row>
                        </li>`,
                    )}
                  </ul>
                </section>`,
            )
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'overview-page': OverviewPage;
  }
}
