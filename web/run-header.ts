// A run's identity and state: status, pipeline, end reason (a failed command's stderr tail first), trigger, host,
// pid, start, live duration, counts.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RunView } from '../shared/api.js';
import { ClockController } from './clock-controller.js';
import { formatCount, formatDateTime, formatDuration, formatRelative, plural } from './format.js';
import { errorsHref, overviewHref, pipelineHref } from './routes.js';
import { runTone } from './status.js';
import { baseStyles } from './ui-styles.js';
import './run-end-reason.js';
import './status-badge.js';

@customElement('run-header')
export class RunHeader extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .top {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 14px;
        align-items: center;
      }
      h1 {
        overflow-wrap: anywhere;
      }
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
        gap: 8px 16px;
        margin: 12px 0 0;
      }
      dt {
        font-size: 12px;
        color: var(--text-muted);
      }
      dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
        overflow-wrap: anywhere;
      }
      .duration {
        font-weight: 700;
      }
      .reason {
        margin-top: 10px;
      }
      .failed {
        color: var(--tone-failure);
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) run!: RunView;
  private readonly clock = new ClockController(this, () => this.run?.status === 'running');

  override render() {
    const run = this.run;
    const now = this.clock.now;
    const tone = runTone({ status: run.status, failed: run.counts.failed });
    const duration = run.status === 'running' && run.startedAt !== null ? now - run.startedAt : run.durationMs;
    return html`<div class="top">
        <h1>
          <a href=${overviewHref(run.club)} class="muted">${run.club}</a> /
          <a href=${pipelineHref(run.club, run.pipeline)}>${run.pipeline}</a>
          <span class="muted">· run #${run.id}</span>
        </h1>
        <status-badge tone=${tone}></status-badge>
      </div>
      <run-end-reason .reason=${run.endReason} .status=${run.status}></run-end-reason>
      <dl>
        <div>
          <dt>Duration</dt>
          <dd class="duration" data-duration-ms=${duration ?? ''}>${formatDuration(duration)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd title=${formatDateTime(run.startedAt)}>
            ${formatDateTime(run.startedAt)} <span class="muted">(${formatRelative(run.startedAt, now)})</span>
          </dd>
        </div>
        ${
          run.finishedAt === null
            ? nothing
            : html`<div>
                <dt>Finished</dt>
                <dd>${formatDateTime(run.finishedAt)}</dd>
              </div>`
        }
        <div>
          <dt>Trigger</dt>
          <dd>${run.trigger ?? '—'}</dd>
        </div>
        <div>
          <dt>Host · pid</dt>
          <dd>${run.host ?? '—'} · ${run.pid ?? '—'}</dd>
        </div>
        <div>
          <dt>Run key</dt>
          <dd class="mono">${run.runKey}</dd>
        </div>
        <div>
          <dt>Records</dt>
          <dd>
            +${formatCount(run.counts.created)} created · ~${formatCount(run.counts.updated)} updated ·
            ${formatCount(run.counts.skipped)} skipped ·
            <span class=${run.counts.failed > 0 ? 'failed' : ''}>✕${formatCount(run.counts.failed)} failed</span>
          </dd>
        </div>
        <div>
          <dt>Errors · log lines</dt>
          <dd>
            ${
              run.errorCount > 0 ? html`<span class="failed">${plural(run.errorCount, 'error')}</span>` : html`0 errors`
            }
            · ${plural(run.logCount, 'line')}
          </dd>
        </div>
        ${
          run.exitCode === null
            ? nothing
            : html`<div>
                <dt>Exit code</dt>
                <dd>${run.exitCode}</dd>
              </div>`
        }
      </dl>
      ${
        run.status === 'abandoned'
          ? html`<p class="reason muted">
              The writer stopped without a <code>run.end</code> (crashed or killed); the last event was
              ${formatRelative(run.lastEventAt, now)}.
              <a href=${errorsHref({ club: run.club, pipeline: run.pipeline })}>Errors of this pipeline</a>
            </p>`
          : nothing
      }
      ${
        run.status === 'ended'
          ? html`<p class="reason muted">
              This file has no contract events, so its outcome was not recorded. Run the job under
              <code>runboard exec</code>, or end the run with a <code>run.end</code> event.
            </p>`
          : nothing
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-header': RunHeader;
  }
}
