// One run: header, step timeline, errors and the log, all live through the run's topic.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ErrorView, LiveDataMessage, RunDetail } from '../shared/api.js';
import { ApiRequestError } from './api-client.js';
import { formatCount } from './format.js';
import { logEnd } from './log-live-model.js';
import { LiveDataController } from './live-data-controller.js';
import type { LogFilter } from './log-filter.js';
import type { Route } from './routes.js';
import { mergeErrors } from './run-errors-model.js';
import { applyRunMessages, snapshotWithHeld } from './run-live-model.js';
import type { Services } from './services.js';
import { baseStyles, columnStyles } from './ui-styles.js';
import './log-viewer.js';
import './run-compare.js';
import './run-errors.js';
import './run-header.js';
import './step-timeline.js';

const ERRORS_PAGE = 200;

type RunRoute = Extract<Route, { view: 'run' }>;

@customElement('run-page')
export class RunPage extends LitElement {
  static override styles = [
    baseStyles,
    // A column no wider than the screen: a wide table (the comparison) scrolls inside its own box.
    columnStyles,
    css`
      :host {
        gap: 14px;
      }
      section.card {
        padding: 12px 14px;
      }
      section > h2 {
        margin-bottom: 6px;
      }
      .errors-body {
        max-height: 300px;
        overflow: auto;
      }
      .middle {
        display: grid;
        gap: 14px;
        grid-template-columns: minmax(0, 1fr);
      }
      @media (min-width: 1200px) {
        .middle {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
          align-items: start;
        }
      }
      .errors-head {
        display: flex;
        gap: 10px;
        align-items: baseline;
      }
    `,
  ];

  @property({ attribute: false }) services!: Services;
  @property({ attribute: false }) route!: RunRoute;

  @state() private run: RunDetail | null = null;
  @state() private errors: ErrorView[] = [];
  @state() private errorsCursor: string | null = null;
  @state() private errorsLoading = false;
  @state() private notFound = false;

  private readonly live = new LiveDataController(this, {
    source: () => this.services?.live,
    topics: () => (this.route ? [{ kind: 'run', runId: this.route.runId }] : null),
    reload: () => void this.load(),
    onBatch: (messages) => this.onBatch(messages),
    onResync: () => this.resync(),
    trackConnection: true,
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('route') && this.isConnected && this.live.resubscribe()) {
      this.run = null;
      this.errors = [];
      this.notFound = false;
      void this.load();
    }
  }

  /**
   * The socket's first hello asks every view to resync, usually while the first load is still in flight. Only
   * a running run can have changed since that load's snapshot: a missing run or a finished one is not fetched
   * twice. Later resyncs (after a reconnect) reload a found run, which may have been removed meanwhile.
   */
  private resync(): void {
    if (this.notFound) return; // run ids are not reused: a missing run stays missing
    if (!this.live.loading) void this.load();
    else
      this.live.afterLoad(() => {
        if (!this.notFound && this.run?.status === 'running') void this.load();
      });
  }

  private load(): Promise<void> {
    const runId = this.route.runId;
    return this.live.load(
      () => Promise.all([this.services.api.run(runId), this.services.api.runErrors(runId, { limit: ERRORS_PAGE })]),
      {
        apply: ([run, errors], held) => {
          // The batches that came while the fetch was in flight go on top of its snapshot, which may predate them.
          const next = snapshotWithHeld(
            {
              run,
              errors: mergeErrors(
                errors.items,
                this.errors.filter((e) => e.runId === runId),
              ),
              errorsComplete: errors.nextCursor === null,
              removed: false,
            },
            held,
            runId,
          );
          this.run = next.run;
          this.errors = next.errors;
          this.errorsCursor = errors.nextCursor;
          if (next.removed) this.notFound = true;
        },
        fail: (error) => {
          if (!(error instanceof ApiRequestError && error.status === 404)) return false;
          this.notFound = true;
          return true;
        },
      },
    );
  }

  private async loadMoreErrors(): Promise<void> {
    if (this.errorsCursor === null || this.errorsLoading) return;
    const cursor = this.errorsCursor;
    this.errorsLoading = true;
    try {
      const page = await this.live.within(() =>
        this.services.api.runErrors(this.route.runId, { cursor, limit: ERRORS_PAGE }),
      );
      if (page === undefined) return;
      this.errors = mergeErrors(this.errors, page.items);
      this.errorsCursor = page.nextCursor;
    } finally {
      this.errorsLoading = false;
    }
  }

  private onBatch(messages: readonly LiveDataMessage[]): void {
    const next = applyRunMessages(
      { run: this.run, errors: this.errors, errorsComplete: this.errorsCursor === null, removed: false },
      messages,
      this.route.runId,
    );
    if (next.run !== this.run) this.run = next.run;
    if (next.errors !== this.errors) this.errors = next.errors;
    // Deleted by retention, or its file started over as a new run: say so rather than show stale data.
    if (next.removed) this.notFound = true;
  }

  override render() {
    const route = this.route;
    if (this.notFound)
      return html`<h1>Run ${route.runId} not found</h1>
        <p class="muted">It may have been removed by retention, or its file started over as a new run.</p>
        <p><a href="/">Back to the overview</a></p>`;
    const filter: LogFilter = { level: route.level, step: route.step, q: route.q };
    const run = this.run;
    return html`
      ${this.live.error ? html`<p class="error-text" role="alert">Could not load the run: ${this.live.error}</p>` : null}
      <section class="card" aria-label="Run">
        ${run ? html`<run-header .run=${run}></run-header>` : html`<p class="muted">Loading run ${route.runId}…</p>`}
      </section>
      ${
        run && (run.steps.length > 0 || this.errors.length > 0)
          ? html`<div class="middle">
              <section class="card" aria-labelledby="steps-title">
                <h2 id="steps-title">Steps</h2>
                <step-timeline .run=${run} .steps=${run.steps}></step-timeline>
              </section>
              <section class="card" aria-labelledby="errors-title" id="errors">
                <div class="errors-head">
                  <h2 id="errors-title">Errors</h2>
                  <span class="muted">${formatCount(run.errorCount)}</span>
                </div>
                <div class="errors-body">
                  <run-errors
                    .errors=${this.errors}
                    .hasMore=${this.errorsCursor !== null}
                    .loading=${this.errorsLoading}
                    @load-more=${() => void this.loadMoreErrors()}
                  ></run-errors>
                </div>
              </section>
            </div>`
          : nothing
      }
      ${
        run
          ? html`<section class="card" aria-label="Compared with">
              <run-compare .services=${this.services} .runId=${run.id} .runStatus=${run.status}></run-compare>
            </section>`
          : nothing
      }
      <section aria-labelledby="log-title">
        <h2 id="log-title" class="visually-hidden">Log</h2>
        <log-viewer
          .services=${this.services}
          .runId=${route.runId}
          .filter=${filter}
          .focusLine=${route.line}
          .steps=${run ? run.steps.map((s) => s.name) : []}
          .end=${logEnd(run?.status ?? null, this.live.connection)}
        ></log-viewer>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-page': RunPage;
  }
}
