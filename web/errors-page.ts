// The error browser: errors grouped by fingerprint (new vs recurring), records failing run after run, and,
// when narrowed to a group or a record, the errors themselves with links to their runs and log lines.
import {
  DEFAULT_ERROR_SORT,
  DEFAULT_ERROR_WINDOW,
  ERROR_SORT_LABELS,
  ERROR_WINDOW_LABELS,
  windowSince,
} from './error-group-order.js';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ErrorGroupsResponse, ErrorView } from '../shared/api.js';
import './error-ack.js';
import { titleText } from './error-title.js';
import { describeErrorFilters } from './filter-description.js';
import { renderErrorFilters, type ErrorsRoute } from './error-filters-form.js';
import { renderErrorList, renderRecurringRecords } from './error-tables.js';
import { plural } from './format.js';
import { routeHref, runHref } from './routes.js';
import { navigateEvent, type Services } from './services.js';
import { baseStyles, pageColumnStyles, tableStyles } from './ui-styles.js';
import { LiveDataController } from './live-data-controller.js';
import './error-group-card.js';

const LIST_PAGE = 100;
/** New errors arrive in bursts: regroup at most this often. */
const REFRESH_MS = 1000;

@customElement('errors-page')
export class ErrorsPage extends LitElement {
  static override styles = [
    baseStyles,
    pageColumnStyles,
    tableStyles,
    css`
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 14px;
        align-items: center;
      }
      form label {
        display: inline-flex;
        gap: 6px;
        align-items: center;
        max-width: 100%;
        min-width: 0;
      }
      form select,
      form input {
        min-width: 0;
        max-width: 100%;
      }
      .groups {
        display: grid;
        gap: 8px;
      }
      th,
      td {
        vertical-align: top;
      }
      th {
        white-space: nowrap;
      }
      td.msg {
        overflow-wrap: anywhere;
        /* On a narrow screen the table scrolls in its box rather than wrapping a message a letter per line. */
        min-width: 16em;
      }
      td.when,
      td.nowrap {
        white-space: nowrap;
      }
      section {
        display: grid;
        gap: 8px;
      }
      .more {
        padding: 10px;
        text-align: center;
      }
      .failure {
        padding: 10px 12px;
      }
    `,
  ];

  @property({ attribute: false }) services!: Services;
  @property({ attribute: false }) route!: ErrorsRoute;

  @state() private response: ErrorGroupsResponse | null = null;
  @state() private pipelines: string[] = [];
  @state() private list: ErrorView[] = [];
  @state() private listCursor: string | null = null;
  @state() private listLoading = false;
  @state() private loadError: string | null = null;
  /** The filters of the load that failed, said with the error. */
  @state() private failedRoute: ErrorsRoute | null = null;
  @state() private loadMoreError: string | null = null;

  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly live = new LiveDataController(this, {
    source: () => this.services?.live,
    topics: () => [this.route.club === null ? { kind: 'errors' } : { kind: 'errors', club: this.route.club }],
    reload: () => void this.load(),
    onBatch: (messages) => {
      if (messages.some((m) => m.type === 'errors' && m.errors.length > 0)) this.scheduleRefresh();
    },
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const previous = changed.get('route');
    if (previous && this.isConnected && routeHref(previous) !== routeHref(this.route)) {
      this.live.resubscribe();
      void this.load();
    }
  }

  private scheduleRefresh(): void {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = null;
      void this.load();
    }, REFRESH_MS);
  }

  private get listMode(): boolean {
    return this.route.fingerprint !== null || this.route.identifier !== null || this.route.run !== null;
  }

  private async load(): Promise<void> {
    const generation = this.live.supersede();
    const { club, pipeline, system, identifier, fingerprint, sort, window, run, acked } = this.route;
    try {
      const [groups, pipelines, list] = await Promise.all([
        this.services.api.errorGroups({
          club,
          pipeline,
          sort,
          since: window === null ? null : windowSince(window, Date.now()),
          identifier,
          runId: run,
          acknowledged: acked,
        }),
        this.services.api.pipelines(club),
        this.listMode
          ? this.services.api.errors({ club, pipeline, system, identifier, fingerprint, runId: run, limit: LIST_PAGE })
          : Promise.resolve(null),
      ]);
      if (!this.live.isCurrent(generation)) return;
      this.response = groups;
      this.pipelines = [...new Set(pipelines.map((p) => p.pipeline))].sort((a, b) => a.localeCompare(b));
      this.list = list?.items ?? [];
      this.listCursor = list?.nextCursor ?? null;
      this.loadError = null;
      this.failedRoute = null;
      this.loadMoreError = null;
    } catch (error) {
      if (!this.live.isCurrent(generation)) return;
      // What is held was fetched for other filters: the error takes its place (the groups stay only to list
      // the systems in the filter form).
      this.list = [];
      this.listCursor = null;
      this.loadMoreError = null;
      this.failedRoute = this.route;
      this.loadError = error instanceof Error ? error.message : String(error);
    }
  }

  private async loadMore(): Promise<void> {
    if (this.listCursor === null || this.listLoading) return;
    const generation = this.live.generation;
    const { club, pipeline, system, identifier, fingerprint, run } = this.route;
    this.listLoading = true;
    this.loadMoreError = null;
    try {
      const page = await this.services.api.errors({
        club,
        pipeline,
        system,
        identifier,
        fingerprint,
        runId: run,
        cursor: this.listCursor,
        limit: LIST_PAGE,
      });
      if (!this.live.isCurrent(generation)) return;
      const known = new Set(this.list.map((e) => e.id));
      this.list = [...this.list, ...page.items.filter((e) => !known.has(e.id))];
      this.listCursor = page.nextCursor;
    } catch (error) {
      if (this.live.isCurrent(generation)) this.loadMoreError = error instanceof Error ? error.message : String(error);
    } finally {
      this.listLoading = false;
    }
  }

  private setFilter(patch: Partial<ErrorsRoute>, replace = false): void {
    this.dispatchEvent(navigateEvent(routeHref({ ...this.route, ...patch }), replace));
  }

  private renderList() {
    const r = this.route;
    const group = r.fingerprint === null ? null : this.response?.groups.find((g) => g.fingerprint === r.fingerprint);
    const title =
      r.fingerprint !== null
        ? html`Occurrences of <q>${group ? titleText(group.title) : r.fingerprint}</q>`
        : r.identifier !== null
          ? html`Errors of record <span class="mono">${r.identifier}</span>`
          : html`Errors of run <a href=${runHref(r.run ?? 0)}>#${r.run}</a>`;
    return renderErrorList({
      title,
      list: this.list,
      cursor: this.listCursor,
      loading: this.listLoading,
      loadMoreError: this.loadMoreError,
      loadMore: () => void this.loadMore(),
    });
  }

  override render() {
    const r = this.route;
    const response = this.response;
    const systems = [...new Set((response?.groups ?? []).flatMap((g) => (g.system === null ? [] : [g.system])))].sort(
      (a, b) => a.localeCompare(b),
    );
    return html`
      <h1>
        Errors${r.club === null ? '' : html` <span class="muted">· ${r.club}</span>`}${
          r.pipeline === null ? '' : html` <span class="muted">/ ${r.pipeline}</span>`
        }
      </h1>
      ${renderErrorFilters(r, this.pipelines, systems, (patch) => this.setFilter(patch))}
      ${
        this.loadError !== null
          ? html`<div class="card failure" role="alert">
              <p class="error-text">
                Could not load errors for ${describeErrorFilters(this.failedRoute ?? r)}: ${this.loadError}
              </p>
              <button @click=${() => void this.load()}>Retry</button>
            </div>`
          : this.renderData()
      }
    `;
  }

  private renderData() {
    const r = this.route;
    const response = this.response;
    const groups = (response?.groups ?? []).filter((g) => r.system === null || g.system === r.system);
    const recurring = (response?.recurringIdentifiers ?? []).filter(
      (x) => r.identifier === null || x.identifier === r.identifier,
    );
    const now = Date.now();
    const total = groups.reduce((sum, g) => sum + g.count, 0);
    return html`
      ${this.listMode ? this.renderList() : nothing}
      <section aria-labelledby="groups-title">
        <h2 id="groups-title">
          Groups
          <span class="muted"
            >(${groups.length}, ${ERROR_WINDOW_LABELS[r.window ?? DEFAULT_ERROR_WINDOW]}, by
            ${ERROR_SORT_LABELS[r.sort ?? DEFAULT_ERROR_SORT]})</span
          >
        </h2>
        ${
          response === null
            ? nothing
            : html`<p class="total" data-total=${total}>
                ${plural(total, 'error')} in
                ${plural(groups.length, 'group')}${r.acked === 'hide' ? ' (acknowledged groups hidden)' : ''}
              </p>`
        }
        ${
          response === null
            ? html`<p class="muted">Loading…</p>`
            : groups.length === 0
              ? html`<p class="muted">No errors in this window.</p>`
              : html`<div class="groups" @error-ack-changed=${() => void this.load()}>
                  ${groups.map(
                    (g) => html`<error-group-card .group=${g} .api=${this.services.api}></error-group-card>`,
                  )}
                </div>`
        }
      </section>
      ${renderRecurringRecords(recurring, now)}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'errors-page': ErrorsPage;
  }
}
