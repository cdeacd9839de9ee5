// One pipeline: duration and count charts over its runs, and the run history, paged by the API's cursor as
// the operator scrolls; new and running runs update live.
import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { LiveDataMessage, RunView } from '../shared/api.js';
import type { PipelineHealth } from '../shared/health.js';
import './health-history.js';
import './schedule-history.js';
import { ClockController } from './clock-controller.js';
import { formatDuration, plural } from './format.js';
import { historyQuery, matchesHistoryStatus, successWording, type HistoryStatus } from './history-status.js';
import { outcomeRates } from './outcome-rates.js';
import { renderPipelineCharts } from './pipeline-charts.js';
import { renderPipelineHealth } from './pipeline-health-card.js';
import { renderRunHistory } from './run-history-table.js';
import { appendPage, upsertRuns } from './run-history-model.js';
import { historyOutliers } from './run-history-outliers.js';
import { errorsHref, overviewHref, pipelineHref } from './routes.js';
import { navigateEvent, type Services } from './services.js';
import { median } from '../shared/normal-range.js';
import { baseStyles, pageColumnStyles, tableStyles } from './ui-styles.js';
import { LiveDataController } from './live-data-controller.js';

const PAGE_SIZE = 50;

@customElement('pipeline-page')
export class PipelinePage extends LitElement {
  static override styles = [
    baseStyles,
    pageColumnStyles,
    tableStyles,
    css`
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 20px;
        align-items: baseline;
      }
      .charts {
        display: grid;
        /* Two charts side by side when 380 px fit each; one full-width chart on a phone. */
        grid-template-columns: repeat(auto-fit, minmax(min(380px, 100%), 1fr));
        gap: 12px;
      }
      th,
      td {
        white-space: nowrap;
      }
      th {
        font-weight: 600;
        position: sticky;
        top: 0;
        background: var(--surface);
      }
      td.num,
      th.num {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      tr:hover td {
        background: var(--surface-2);
      }
      .failed {
        color: var(--tone-failure);
        font-weight: 600;
      }
      .history-head {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 16px;
        align-items: baseline;
        justify-content: space-between;
      }
      .history-head h2 {
        margin: 0;
        font-size: 16px;
      }
      .empty {
        padding: 6px 10px;
      }
      .more {
        display: flex;
        justify-content: center;
        padding: 12px;
      }
    `,
  ];

  @property({ attribute: false }) services!: Services;
  @property() club = '';
  @property() pipeline = '';
  /** Run history filtered by this status (in the URL). */
  @property({ attribute: false }) status: HistoryStatus | null = null;

  @state() private runs: RunView[] = [];
  @state() private nextCursor: string | null = null;
  @state() private loading = false;
  @state() private loaded = false;
  @state() private loadError: string | null = null;
  /** Its health and schedule (GET /api/pipelines, then the live overview topic); null without a health monitor. */
  @state() private health: PipelineHealth | null = null;
  @query('.sentinel') private sentinel!: HTMLElement;

  private readonly clock = new ClockController(this, () => this.runs.some((r) => r.status === 'running'));
  private observer: IntersectionObserver | null = null;
  private readonly live = new LiveDataController(this, {
    source: () => this.services?.live,
    topics: () => (this.club === '' || this.pipeline === '' ? null : [{ kind: 'overview', club: this.club }]),
    reload: () => void this.reload(),
    onBatch: (messages) => this.onBatch(messages),
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.observer = null;
  }

  override updated(changed: Map<string, unknown>): void {
    if (
      (changed.has('club') && changed.get('club') !== undefined) ||
      (changed.has('pipeline') && changed.get('pipeline') !== undefined) ||
      (changed.has('status') && changed.get('status') !== undefined)
    ) {
      this.live.resubscribe();
      if (this.club !== '' && this.pipeline !== '') void this.reload();
    }
    if (this.sentinel && !this.observer) {
      // Infinite scroll: the next page loads when the end of the table comes near the viewport.
      this.observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting)) void this.loadMore();
        },
        { rootMargin: '400px' },
      );
      this.observer.observe(this.sentinel);
    }
  }

  private onBatch(messages: readonly LiveDataMessage[]): void {
    for (const message of messages) {
      if (message.type !== 'health') continue;
      const mine = message.items.find((i) => i.club === this.club && i.pipeline === this.pipeline);
      if (mine) this.health = mine.health;
    }
    const removed = new Set(messages.flatMap((m) => (m.type === 'removed' ? m.runIds : [])));
    if (removed.size > 0) this.runs = this.runs.filter((r) => !removed.has(r.id));
    const mine = messages.flatMap((m) =>
      m.type === 'runs'
        ? m.runs.filter(
            (r) =>
              r.club === this.club &&
              r.pipeline === this.pipeline &&
              matchesHistoryStatus(this.status, { status: r.status, failed: r.counts.failed }),
          )
        : [],
    );
    if (mine.length > 0) this.runs = upsertRuns(this.runs, mine, this.loaded && this.nextCursor === null);
  }

  private async reload(): Promise<void> {
    const generation = this.live.supersede();
    this.loading = true;
    void this.loadHealth(generation);
    // Another filter's rows must not show under this one while its first page loads.
    if (
      this.runs.length > 0 &&
      this.runs.some((r) => !matchesHistoryStatus(this.status, { status: r.status, failed: r.counts.failed }))
    )
      this.runs = [];
    try {
      const page = await this.services.api.runs({
        club: this.club,
        pipeline: this.pipeline,
        ...historyQuery(this.status),
        limit: PAGE_SIZE,
      });
      if (!this.live.isCurrent(generation)) return;
      // The rows shown go on top of the snapshot, which may predate them: runs that started during the fetch, and
      // states that came meanwhile (a run that ended would otherwise read `running`, and an ended run has no next
      // change). A shown row older than the snapshot's loses to it; a live state on its way fixes the rest.
      this.runs = upsertRuns(page.items, this.runs, page.nextCursor === null);
      this.nextCursor = page.nextCursor;
      this.loadError = null;
    } catch (error) {
      if (this.live.isCurrent(generation)) this.loadError = error instanceof Error ? error.message : String(error);
    } finally {
      if (this.live.isCurrent(generation)) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  private async loadHealth(generation: number): Promise<void> {
    try {
      const list = await this.services.api.pipelines(this.club);
      if (!this.live.isCurrent(generation)) return;
      this.health = list.find((p) => p.pipeline === this.pipeline)?.health ?? null;
    } catch {
      // The runs fetch reports the failure; health is an extra.
    }
  }

  /** Expected against actual starts and the health history; only for a pipeline health tracks. */
  private renderHistories() {
    if (this.health === null) return null;
    // The live health is the reload signal: a due time passed, a run started or ended, the state changed.
    return html`<schedule-history
        .services=${this.services}
        club=${this.club}
        pipeline=${this.pipeline}
        .revision=${this.health}
      ></schedule-history>
      <health-history
        .services=${this.services}
        club=${this.club}
        pipeline=${this.pipeline}
        .revision=${this.health}
      ></health-history>`;
  }

  private async loadMore(): Promise<void> {
    if (this.loading || this.nextCursor === null) return;
    const generation = this.live.generation;
    this.loading = true;
    try {
      const page = await this.services.api.runs({
        club: this.club,
        pipeline: this.pipeline,
        ...historyQuery(this.status),
        cursor: this.nextCursor,
        limit: PAGE_SIZE,
      });
      if (!this.live.isCurrent(generation)) return;
      this.runs = appendPage(this.runs, page.items);
      this.nextCursor = page.nextCursor;
    } catch (error) {
      if (this.live.isCurrent(generation)) this.loadError = error instanceof Error ? error.message : String(error);
    } finally {
      if (this.live.isCurrent(generation)) this.loading = false;
    }
    // A tall screen may still show the sentinel: keep filling until it scrolls out of view.
    await this.updateComplete;
    const rect = this.sentinel?.getBoundingClientRect();
    if (rect && rect.top < window.innerHeight + 400 && this.nextCursor !== null) void this.loadMore();
  }

  override render() {
    // Pipelines exist through their runs: none recorded means the address names no pipeline (a typo, or one
    // whose runs retention has deleted).
    if (
      this.loaded &&
      !this.loading &&
      this.loadError === null &&
      this.runs.length === 0 &&
      this.health !== null &&
      this.status === null
    )
      return html`<h1><a href=${overviewHref(this.club)} class="muted">${this.club}</a> / ${this.pipeline}</h1>
        ${renderPipelineHealth(this.health)}
        <p class="muted">No run of it is recorded yet.</p>
        ${this.renderHistories()}`;
    if (this.loaded && !this.loading && this.loadError === null && this.runs.length === 0 && this.status === null)
      return html`<h1>Pipeline <q>${this.club} / ${this.pipeline}</q> doesn't exist</h1>
        <p class="muted">No run of it is recorded. It appears here once it writes its first line.</p>
        <p><a href=${overviewHref(this.club)}>Back to the overview</a></p>`;
    const now = this.clock.now;
    const finished = this.runs.filter((r) => r.status !== 'running');
    const mid = median(finished.flatMap((r) => (r.durationMs === null ? [] : [r.durationMs])));
    // Clean successes and successes with failed records apart: amber must not read as "100% ok"; ended runs
    // (no outcome recorded) left out of the shares.
    const outcomes = outcomeRates(finished);
    const rates = successWording(outcomes.successRate, outcomes.unstableRate);
    const endedCount = finished.filter((r) => r.status === 'ended').length;
    return html`
      <div class="head">
        <h1><a href=${overviewHref(this.club)} class="muted">${this.club}</a> / ${this.pipeline}</h1>
        <span class="muted"
          >${plural(this.runs.length, 'run')} loaded${this.nextCursor !== null ? ' (more on scroll)' : ''}</span
        >
        <span class="muted">median ${formatDuration(mid)}</span>
        ${
          this.status === null && rates !== ''
            ? html`<span
                class="muted rates"
                title=${`Runs still running, and ended runs (outcome not recorded: no run.end), are left out${endedCount > 0 ? `; ${plural(endedCount, 'ended run')} loaded` : ''}`}
                >${rates} of ${plural(outcomes.withOutcome, 'loaded run')} with an outcome</span
              >`
            : null
        }
        <a href=${errorsHref({ club: this.club, pipeline: this.pipeline })}>Errors of this pipeline</a>
      </div>
      ${this.loadError ? html`<p class="error-text" role="alert">Could not load runs: ${this.loadError}</p>` : null}
      ${renderPipelineHealth(this.health)} ${renderPipelineCharts(finished, mid)} ${this.renderHistories()}
      ${renderRunHistory({
        runs: this.runs,
        now,
        outliers: historyOutliers(this.runs),
        status: this.status,
        loaded: this.loaded,
        loading: this.loading,
        nextCursor: this.nextCursor,
        setStatus: (status) => this.dispatchEvent(navigateEvent(pipelineHref(this.club, this.pipeline, status))),
        loadMore: () => void this.loadMore(),
      })}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pipeline-page': PipelinePage;
  }
}
