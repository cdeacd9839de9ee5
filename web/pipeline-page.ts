// One pipeline: duration and count charts over its runs, and the run history, paged by the API's cursor as
// the operator scrolls; new and running runs update live.
import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { LiveDataMessage, RunView } from '../shared/api.js';
import type { PipelineHealth } from '../shared/health.js';
import './health-line.js';
import './health-history.js';
import './schedule-history.js';
import type { ComparedFigure } from '../shared/api-compare.js';
import { ClockController } from './clock-controller.js';
import {
  formatAxisCount,
  formatAxisSeconds,
  formatCount,
  formatDateTime,
  formatDuration,
  formatRelative,
  plural,
} from './format.js';
import { compareRecency } from './overview-model.js';
import {
  HISTORY_STATUSES,
  HISTORY_STATUS_LABELS,
  historyQuery,
  isHistoryStatus,
  matchesHistoryStatus,
  successWording,
  type HistoryStatus,
} from './history-status.js';
import { appendPage, upsertRuns } from './run-history-model.js';
import { historyOutliers } from './run-history-outliers.js';
import { errorsHref, overviewHref, pipelineHref, runHref } from './routes.js';
import { navigateEvent, type Services } from './services.js';
import { countColumns, durationColumns, median } from './stats.js';
import { runTone } from './status.js';
import type { ChartSeries } from './time-chart.js';
import { baseStyles, pageColumnStyles, tableStyles } from './ui-styles.js';
import { LiveDataController } from './live-data-controller.js';
import './outside-mark.js';
import './status-badge.js';
import './time-chart.js';

const PAGE_SIZE = 50;

const DURATION_SERIES: ChartSeries[] = [
  { label: 'Duration', colorVar: '--tone-running', format: (v) => formatDuration(v * 1000) },
  { label: 'Median', colorVar: '--text-muted', dash: [6, 4], format: (v) => formatDuration(v * 1000) },
];
const COUNT_CHART_SERIES: ChartSeries[] = [
  { label: 'Created', colorVar: '--tone-success', format: formatCount },
  { label: 'Updated', colorVar: '--tone-running', format: formatCount },
  { label: 'Skipped', colorVar: '--tone-skipped', format: formatCount },
  { label: 'Failed', colorVar: '--tone-failure', format: formatCount },
];

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
      // Live rows that arrived during the fetch and are newer than the snapshot stay on top.
      const newest = page.items[0];
      const newer = this.runs.filter((r) => newest === undefined || compareRecency(r, newest) > 0);
      this.runs = upsertRuns(page.items, newer, page.nextCursor === null);
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

  private renderHealth() {
    const health = this.health;
    if (health === null) return null;
    return html`<section class="card health" aria-label="Health and schedule" data-section="health">
      <health-line detailed .health=${health}></health-line>
      <div class="muted">
        ${
          health.schedule === null
            ? 'No schedule: give it one in the config file, a crontab line running runboard exec, or run.start.'
            : html`Schedule <code>${health.schedule}</code> (${health.scheduleText ?? health.schedule},
                ${health.timezone}) from <span data-source>${health.scheduleSource}</span>; ${health.state} since
                ${formatDateTime(health.since)}`
        }
      </div>
    </section>`;
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

  private renderRow(run: RunView, now: number, outside: readonly ComparedFigure[] = []) {
    const tone = runTone({ status: run.status, failed: run.counts.failed });
    const duration = run.status === 'running' && run.startedAt !== null ? now - run.startedAt : run.durationMs;
    return html`<tr data-run-id=${run.id}>
      <td><status-badge tone=${tone}></status-badge></td>
      <td>
        <a href=${runHref(run.id)} title=${run.runKey}>#${run.id}</a><outside-mark .figures=${outside}></outside-mark>
      </td>
      <td title=${formatDateTime(run.startedAt)}>${formatRelative(run.startedAt, now)}</td>
      <td class="num">${formatDuration(duration)}</td>
      <td>${run.trigger ?? '—'}</td>
      <td class="num">${formatCount(run.counts.created)}</td>
      <td class="num">${formatCount(run.counts.updated)}</td>
      <td class="num">${formatCount(run.counts.skipped)}</td>
      <td class="num ${run.counts.failed > 0 ? 'failed' : ''}">${formatCount(run.counts.failed)}</td>
      <td class="num">
        ${run.errorCount > 0 ? html`<a href=${runHref(run.id)} class="failed">${formatCount(run.errorCount)}</a>` : '0'}
      </td>
    </tr>`;
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
        ${this.renderHealth()}
        <p class="muted">No run of it is recorded yet.</p>
        ${this.renderHistories()}`;
    if (this.loaded && !this.loading && this.loadError === null && this.runs.length === 0 && this.status === null)
      return html`<h1>Pipeline <q>${this.club} / ${this.pipeline}</q> doesn't exist</h1>
        <p class="muted">No run of it is recorded. It appears here once it writes its first line.</p>
        <p><a href=${overviewHref(this.club)}>Back to the overview</a></p>`;
    const now = this.clock.now;
    const finished = this.runs.filter((r) => r.status !== 'running');
    const mid = median(finished.flatMap((r) => (r.durationMs === null ? [] : [r.durationMs])));
    const succeeded = finished.filter((r) => r.status === 'success');
    // Clean successes and successes with failed records apart: amber must not read as "100% ok".
    const rates =
      finished.length === 0
        ? ''
        : successWording(
            succeeded.length / finished.length,
            succeeded.filter((r) => r.counts.failed > 0).length / finished.length,
          );
    const outliers = historyOutliers(this.runs);
    // A lone run is charted over its own duration on each side.
    const lonePad = finished.length === 1 && finished[0]!.durationMs !== null ? finished[0]!.durationMs / 1000 : null;
    return html`
      <div class="head">
        <h1><a href=${overviewHref(this.club)} class="muted">${this.club}</a> / ${this.pipeline}</h1>
        <span class="muted"
          >${plural(this.runs.length, 'run')} loaded${this.nextCursor !== null ? ' (more on scroll)' : ''}</span
        >
        <span class="muted">median ${formatDuration(mid)}</span>
        ${this.status === null && rates !== '' ? html`<span class="muted rates">${rates} of the loaded runs</span>` : null}
        <a href=${errorsHref({ club: this.club, pipeline: this.pipeline })}>Errors of this pipeline</a>
      </div>
      ${this.loadError ? html`<p class="error-text" role="alert">Could not load runs: ${this.loadError}</p>` : null}
      ${this.renderHealth()}
      <div class="charts">
        <time-chart
          caption="Duration"
          summary="Duration of the ${finished.length} loaded finished runs; median ${formatDuration(mid)}"
          .series=${DURATION_SERIES}
          .columns=${durationColumns(finished)}
          .yFormat=${formatAxisSeconds}
          .singlePointPad=${lonePad}
        ></time-chart>
        <time-chart
          caption="Records per run"
          summary="Created, updated, skipped and failed records of the ${finished.length} loaded finished runs"
          .series=${COUNT_CHART_SERIES}
          .columns=${countColumns(finished)}
          .yFormat=${formatAxisCount}
          .singlePointPad=${lonePad}
        ></time-chart>
      </div>
      ${this.renderHistories()}
      <section aria-labelledby="history-title" class="card">
        <div class="history-head">
          <h2 id="history-title">Run history</h2>
          <label
            >Status
            <select
              class="status-filter"
              @change=${(e: Event) => {
                const value = (e.target as HTMLSelectElement).value;
                const status = isHistoryStatus(value) ? value : null;
                this.dispatchEvent(navigateEvent(pipelineHref(this.club, this.pipeline, status)));
              }}
            >
              <option value="" ?selected=${this.status === null}>all</option>
              ${HISTORY_STATUSES.map(
                (s) => html`<option value=${s} ?selected=${this.status === s}>${HISTORY_STATUS_LABELS[s]}</option>`,
              )}
            </select></label
          >
        </div>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Status</th>
                <th>Run</th>
                <th>Started</th>
                <th class="num">Duration</th>
                <th>Trigger</th>
                <th class="num">Created</th>
                <th class="num">Updated</th>
                <th class="num">Skipped</th>
                <th class="num">Failed</th>
                <th class="num">Errors</th>
              </tr>
            </thead>
            <tbody>
              ${this.runs.map((run) => this.renderRow(run, now, outliers.get(run.id)))}
            </tbody>
          </table>
          ${
            this.status !== null && this.loaded && !this.loading && this.runs.length === 0
              ? html`<p class="muted empty">No ${HISTORY_STATUS_LABELS[this.status]} runs.</p>`
              : null
          }
        </div>
        <div class="sentinel more">
          ${
            this.nextCursor !== null
              ? html`<button @click=${() => void this.loadMore()} ?disabled=${this.loading}>
                  ${this.loading ? 'Loading…' : 'Load older runs'}
                </button>`
              : this.loading
                ? html`<span class="muted">Loading…</span>`
                : null
          }
        </div>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pipeline-page': PipelinePage;
  }
}
