// A time-series chart drawn by uPlot (loaded on first use). Series colours come from the theme's custom
// properties, so the chart follows light/dark. The data table next to it is the accessible version.
import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type uPlotType from 'uplot';
import { timeRange } from './chart-range.js';
import { timeZoneMode } from './time-zone.js';
import type { Columns } from './stats.js';
import { baseStyles, shrinkingBlockStyles } from './ui-styles.js';

export interface ChartSeries {
  label: string;
  /** A CSS custom property name, e.g. `--tone-success`. */
  colorVar: string;
  dash?: number[];
  /** Points with no line between them: runs marked apart (ended, abandoned) among the others. */
  pointsOnly?: boolean;
  /** How a value shows in the legend. */
  format: (value: number) => string;
}

type UPlotModule = typeof import('./uplot-loader.js');
let loader: Promise<UPlotModule> | null = null;
let uplotSheet: CSSStyleSheet | undefined;

@customElement('time-chart')
export class TimeChart extends LitElement {
  static override styles = [
    baseStyles,
    shrinkingBlockStyles,
    css`
      figure {
        margin: 0;
        padding: 10px 12px;
      }
      figcaption {
        font-weight: 600;
        margin-bottom: 6px;
      }
      .plot {
        min-height: 200px;
        width: 100%;
      }
      .empty {
        padding: 40px 0;
        text-align: center;
      }
    `,
  ];

  @property() caption = '';
  /** Sentence read by screen readers in place of the drawing. */
  @property() summary = '';
  @property({ attribute: false }) series: ChartSeries[] = [];
  @property({ attribute: false }) columns: Columns = [[]];
  /** Tick label from the value and the distance between ticks. */
  @property({ attribute: false }) yFormat: (value: number, increment: number) => string = (v) => String(v);
  /** Seconds to pad a lone point by on the time axis (the run's own duration); a day when null. */
  @property({ attribute: false }) singlePointPad: number | null = null;
  @query('.plot') private plotEl!: HTMLDivElement;
  @state() private ready = false;

  private plot: uPlotType | null = null;
  private module: UPlotModule | null = null;
  private resizeObserver: ResizeObserver | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    loader ??= import('./uplot-loader.js');
    void loader.then((module) => {
      this.module = module;
      // uPlot's own stylesheet (bundled package CSS, not data) must live inside this shadow root.
      uplotSheet ??= unsafeCSS(module.uplotCss).styleSheet;
      const sheet = uplotSheet;
      const root = this.renderRoot;
      if (sheet && root instanceof ShadowRoot && !root.adoptedStyleSheets.includes(sheet)) {
        root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      }
      this.ready = true;
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.plot?.destroy();
    this.plot = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.ready || !this.module || this.columns[0].length === 0) {
      this.plot?.destroy();
      this.plot = null;
      return;
    }
    if (!this.plot || changed.has('series')) this.createPlot(this.module.uPlot);
    else if (changed.has('columns')) this.plot.setData(this.columns);
  }

  private color(variable: string): string {
    return getComputedStyle(this).getPropertyValue(variable).trim() || '#888';
  }

  private createPlot(UPlot: UPlotModule['uPlot']): void {
    this.plot?.destroy();
    const axisColor = this.color('--text-muted');
    const gridColor = this.color('--border');
    const yFormat = this.yFormat;
    const width = Math.max(200, this.plotEl.clientWidth);
    const options: uPlotType.Options = {
      width,
      // The time axis follows the page's time-zone setting, as every other time does.
      ...(timeZoneMode() === 'utc' ? { tzDate: (ts: number) => UPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') } : {}),
      height: 200,
      scales: {
        x: {
          time: true,
          // uPlot widens a lone timestamp by 86400/ms "seconds" (years, with second timestamps): range a lone
          // point from the data itself; any other range (the data's, or a zoom) stays as asked.
          range: (u: uPlotType, min: number, max: number): [number, number] => {
            const xs = u.data[0];
            const first = xs[0];
            const last = xs[xs.length - 1];
            return first !== undefined && first === last ? timeRange(first, last, this.singlePointPad) : [min, max];
          },
        },
      },
      hooks: {
        // The drawn time range, readable from outside (tests, and the curious operator's devtools).
        setScale: [
          (u: uPlotType, key: string) => {
            if (key !== 'x') return;
            this.setAttribute('data-x-min', String(u.scales.x!.min));
            this.setAttribute('data-x-max', String(u.scales.x!.max));
          },
        ],
      },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        {},
        ...this.series.map((s) => ({
          label: s.label,
          stroke: this.color(s.colorVar),
          width: 2,
          dash: s.dash,
          spanGaps: true,
          points: s.pointsOnly
            ? { show: true, size: 9, fill: this.color(s.colorVar) }
            : { show: s.dash === undefined, size: 5 },
          ...(s.pointsOnly ? { paths: () => null } : {}),
          value: (_u: uPlotType, v: number | null) => (v === null ? '—' : s.format(v)),
        })),
      ],
      axes: [
        { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } },
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor, width: 1 },
          size: 64,
          values: (_u: uPlotType, values: number[], _axis: number, _space: number, increment: number) =>
            values.map((v) => yFormat(v, increment)),
        },
      ],
    };
    this.plot = new UPlot(options, this.columns, this.plotEl);
    if (!this.resizeObserver) {
      this.resizeObserver = new ResizeObserver(() => {
        const next = Math.max(200, this.plotEl.clientWidth);
        if (this.plot && Math.abs(this.plot.width - next) > 2) this.plot.setSize({ width: next, height: 200 });
      });
      this.resizeObserver.observe(this.plotEl);
    }
  }

  override render() {
    const empty = this.columns[0].length === 0;
    return html`<figure class="card">
      <figcaption>${this.caption}</figcaption>
      ${empty ? html`<div class="empty muted">No finished runs to chart yet.</div>` : null}
      <div class="plot" role="img" aria-label=${this.summary} ?hidden=${empty}></div>
    </figure>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'time-chart': TimeChart;
  }
}
