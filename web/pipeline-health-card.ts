// The pipeline page's health card: its state and why, and its schedule with where that came from.
import { html } from 'lit';
import type { PipelineHealth } from '../shared/health.js';
import { formatDateTime } from './format.js';
import './health-line.js';

export function renderPipelineHealth(health: PipelineHealth | null) {
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
