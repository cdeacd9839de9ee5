// A pipeline's last ~20 runs as small bars: colour = outcome, height = duration relative to the longest.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { RunDot } from '../shared/api.js';
import { formatDateTime, formatDuration } from './format.js';
import { runHref } from './routes.js';
import { TONE_LABELS, runTone, toneColorVar } from './status.js';
import { baseStyles, blockStyles } from './ui-styles.js';

@customElement('run-strip')
export class RunStrip extends LitElement {
  static override styles = [
    baseStyles,
    blockStyles,
    css`
      ol {
        display: flex;
        align-items: flex-end;
        gap: 2px;
        height: 28px;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        display: flex;
        align-items: flex-end;
        height: 100%;
      }
      a {
        display: block;
        width: 7px;
        min-height: 4px;
        border-radius: 2px;
      }
      a:hover {
        filter: brightness(1.2);
      }
    `,
  ];

  @property({ attribute: false }) runs: RunDot[] = [];

  override render() {
    const longest = Math.max(1, ...this.runs.map((r) => r.durationMs ?? 0));
    return html`<ol aria-label="Last ${this.runs.length} runs, oldest first">
      ${this.runs.map((run) => {
        const tone = runTone(run);
        const height = run.durationMs === null ? 30 : Math.max(15, (run.durationMs / longest) * 100);
        const label = `Run ${run.id}: ${TONE_LABELS[tone]}, ${formatDuration(run.durationMs)}, ${formatDateTime(run.startedAt)}`;
        return html`<li style=${styleMap({ height: '100%' })}>
          <a
            href=${runHref(run.id)}
            tabindex="-1"
            title=${label}
            aria-label=${label}
            data-tone=${tone}
            style=${styleMap({ height: `${height}%`, background: toneColorVar(tone) })}
          ></a>
        </li>`;
      })}
    </ol>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-strip': RunStrip;
  }
}
