// The run page's "Compared with" panel: per step, each figure and its change against a baseline (the last
// successful run, the previous run, the median of the last successful runs, or a run by id), highlighted when
// outside the normal range; steps added, missing or newly skipped; errors new, still failing and resolved; error
// fingerprints new to the pipeline. Every pipeline-written string is bound as text.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RunStatus } from '../shared/events.js';
import {
  COMPARED_FIGURES,
  type ErrorKeyView,
  type ErrorListView,
  type FigureChanges,
  type RunComparison,
  type StepComparison,
} from '../shared/api-compare.js';
import { apiPath } from './api-client.js';
import { formatCount } from './format.js';
import {
  CHOICE_LABELS,
  FIGURE_LABELS,
  describeBaseline,
  formatChange,
  formatFigure,
  formatRange,
  formatStreak,
  noBaselineText,
  withParam,
  type CompareChoice,
} from './run-compare-model.js';
import { runHref } from './routes.js';
import type { Services } from './services.js';
import { baseStyles, shrinkingBlockStyles } from './ui-styles.js';

@customElement('run-compare')
export class RunCompare extends LitElement {
  static override styles = [
    baseStyles,
    shrinkingBlockStyles,
    css`
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 12px;
        align-items: baseline;
        margin-bottom: 8px;
      }
      h2 {
        margin: 0;
      }
      input {
        width: 8em;
      }
      .table-wrap {
        overflow-x: auto;
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      th,
      td {
        text-align: right;
        padding: 4px 8px;
        border-bottom: 1px solid var(--border);
        vertical-align: top;
        white-space: nowrap;
      }
      th:first-child,
      td:first-child {
        text-align: left;
      }
      th {
        font-size: 12px;
        color: var(--text-muted);
        font-weight: 600;
      }
      .change {
        display: block;
        font-size: 12px;
        color: var(--text-muted);
      }
      td.outside {
        background: color-mix(in srgb, var(--tone-failure) 14%, transparent);
      }
      td.outside .change {
        color: var(--tone-failure);
        font-weight: 600;
      }
      tr.total td {
        font-weight: 600;
      }
      .tag {
        font-size: 11px;
        padding: 0 6px;
        margin-left: 6px;
        border-radius: 8px;
        border: 1px solid currentColor;
      }
      .lists {
        display: grid;
        gap: 10px;
        grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
        margin-top: 10px;
      }
      h3 {
        font-size: 13px;
        margin: 0 0 4px;
      }
      ul {
        margin: 0;
        padding-left: 18px;
      }
      li {
        overflow-wrap: anywhere;
      }
      .message {
        white-space: pre-wrap;
      }
      [data-new-fingerprints] {
        margin-top: 10px;
      }
    `,
  ];

  @property({ attribute: false }) services!: Services;
  @property({ type: Number }) runId = 0;
  /** The run's status: the comparison is read again when it changes (a running run ends). */
  @property() runStatus: RunStatus | null = null;

  @state() private choice: CompareChoice = 'last-success';
  @state() private runIdText = '';
  @state() private comparison: RunComparison | null = null;
  @state() private loadError: string | null = null;
  @state() private loading = false;

  private generation = 0;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('runId') && changed.get('runId') !== undefined && this.runId !== changed.get('runId'))
      this.comparison = null;
    if (changed.has('runId') || changed.has('runStatus') || changed.has('choice')) void this.load();
  }

  private async load(): Promise<void> {
    if (!this.services || this.runId <= 0) return;
    const param = withParam(this.choice, this.runIdText);
    if (param === null) return;
    const generation = ++this.generation;
    this.loading = true;
    try {
      const result = await this.services.api.get<RunComparison>(
        apiPath(`/api/runs/${this.runId}/compare`, { with: param }),
      );
      if (generation !== this.generation) return;
      this.comparison = result;
      this.loadError = null;
    } catch (error) {
      if (generation !== this.generation) return;
      this.comparison = null;
      this.loadError = error instanceof Error ? error.message : String(error);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private onChoice(event: Event): void {
    this.choice = (event.target as HTMLSelectElement).value as CompareChoice;
  }

  private onRunIdKey(event: KeyboardEvent): void {
    this.runIdText = (event.target as HTMLInputElement).value;
    if (event.key === 'Enter') void this.load();
  }

  private renderCells(figures: FigureChanges) {
    return COMPARED_FIGURES.map((figure) => {
      const change = figures[figure];
      return html`<td
        class="num ${change.outside ? 'outside' : ''}"
        data-figure=${figure}
        data-outside=${String(change.outside)}
        title=${formatRange(figure, change)}
      >
        ${formatFigure(figure, change.current)}
        <span class="change">${formatChange(figure, change)}${change.outside ? ' · unusual' : ''}</span>
      </td>`;
    });
  }

  private renderStep(step: StepComparison) {
    const tag =
      step.presence === 'added'
        ? html`<span class="tag tone-running">added</span>`
        : step.presence === 'missing'
          ? html`<span class="tag tone-failure">missing</span>`
          : step.status === 'skipped' && step.baselineStatus !== null && step.baselineStatus !== 'skipped'
            ? html`<span class="tag tone-skipped">skipped</span>`
            : nothing;
    return html`<tr data-step=${step.name} data-presence=${step.presence}>
      <td>${step.name}${tag}</td>
      ${this.renderCells(step.figures)}
    </tr>`;
  }

  private renderErrorList(title: string, list: ErrorListView, kind: 'new' | 'still' | 'resolved') {
    const item = (e: ErrorKeyView) =>
      html`<li>
        <span class="mono">${e.system ?? '(no system)'} · ${e.identifier ?? '(no record)'}</span>
        ${kind === 'still' ? html`<span class="muted">— ${formatStreak(e.consecutiveRuns)}</span>` : nothing}
        <div class="message muted">${e.message}${e.count > 1 ? ` (×${formatCount(e.count)})` : ''}</div>
      </li>`;
    return html`<div data-errors=${kind}>
      <h3>${title} (${formatCount(list.total)})</h3>
      ${
        list.total === 0
          ? html`<p class="muted">none</p>`
          : html`<ul>
              ${list.items.map(item)}
            </ul>`
      }
      ${
        list.total > list.items.length
          ? html`<p class="muted">and ${formatCount(list.total - list.items.length)} more</p>`
          : nothing
      }
    </div>`;
  }

  private renderBody(c: RunComparison) {
    if (c.baseline === null)
      return html`<p class="muted" data-no-baseline>${noBaselineText(this.choice)}</p>
        ${this.renderFingerprints(c)}`;
    const changes = [
      c.added.length > 0 ? `added: ${c.added.join(', ')}` : '',
      c.missing.length > 0 ? `missing: ${c.missing.join(', ')}` : '',
      c.skipped.length > 0 ? `skipped: ${c.skipped.join(', ')}` : '',
    ].filter((s) => s !== '');
    return html`
      <!-- Scrolls sideways on a phone: focusable, so the keyboard can scroll it too. -->
      <div class="table-wrap" tabindex="0" role="region" aria-label="Per-step comparison">
        <table>
          <thead>
            <tr>
              <th>Step</th>
              ${COMPARED_FIGURES.map((f) => html`<th class="num">${FIGURE_LABELS[f]}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${c.steps.map((s) => this.renderStep(s))}
            <tr class="total" data-step="">
              <td>Run</td>
              ${this.renderCells(c.totals)}
            </tr>
          </tbody>
        </table>
      </div>
      <p class="muted" data-step-changes>
        ${changes.length > 0 ? `Steps ${changes.join(' · ')}` : 'Same steps as the baseline.'}
        ${
          c.rangeRuns < 3
            ? ' Too few successful runs before this one for a normal range.'
            : ` Unusual: outside median ± 3 × MAD of the last ${c.rangeRuns} successful runs.`
        }
      </p>
      ${
        c.errors
          ? html`<div class="lists">
              ${this.renderErrorList('New errors', c.errors.new, 'new')}
              ${this.renderErrorList('Still failing', c.errors.stillFailing, 'still')}
              ${this.renderErrorList('Resolved', c.errors.resolved, 'resolved')}
            </div>`
          : nothing
      }
      ${this.renderFingerprints(c)}
    `;
  }

  private renderFingerprints(c: RunComparison) {
    if (c.newFingerprints.length === 0) return nothing;
    return html`<div data-new-fingerprints>
      <h3>New kinds of error for this pipeline (${c.newFingerprints.length})</h3>
      <ul>
        ${c.newFingerprints.map(
          (f) =>
            html`<li>
              <span class="message">${f.message}</span>
              <span class="muted">${f.system ?? ''} ×${formatCount(f.count)}</span>
            </li>`,
        )}
      </ul>
    </div>`;
  }

  override render() {
    const c = this.comparison;
    return html`
      <div class="head">
        <h2 id="compare-title">Compared with</h2>
        <select aria-label="Compare with" @change=${(e: Event) => this.onChoice(e)}>
          ${(Object.keys(CHOICE_LABELS) as CompareChoice[]).map(
            (choice) =>
              html`<option value=${choice} ?selected=${choice === this.choice}>${CHOICE_LABELS[choice]}</option>`,
          )}
        </select>
        ${
          this.choice === 'run'
            ? html`<input
                aria-label="Run id to compare with"
                placeholder="run id"
                inputmode="numeric"
                .value=${this.runIdText}
                @keyup=${(e: KeyboardEvent) => this.onRunIdKey(e)}
                @change=${(e: Event) => {
                  this.runIdText = (e.target as HTMLInputElement).value;
                  void this.load();
                }}
              />`
            : nothing
        }
        ${
          c?.baseline
            ? c.baseline.runId !== null
              ? html`<a href=${runHref(c.baseline.runId)} data-baseline>${describeBaseline(c.baseline)}</a>`
              : html`<span class="muted" data-baseline>${describeBaseline(c.baseline)}</span>`
            : nothing
        }
        ${this.loading ? html`<span class="muted">loading…</span>` : nothing}
      </div>
      ${this.loadError ? html`<p class="error-text" role="alert">${this.loadError}</p>` : nothing}
      ${c ? this.renderBody(c) : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-compare': RunCompare;
  }
}
