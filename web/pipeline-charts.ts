// The pipeline page's two charts over its loaded finished runs: duration (with the median) and records per run.
import { html } from 'lit';
import type { RunView } from '../shared/api.js';
import { formatAxisCount, formatAxisSeconds, formatCount, formatDuration } from './format.js';
import { countColumns, drawnApart, durationColumns, type Columns } from './stats.js';
import type { ChartSeries } from './time-chart.js';
import './time-chart.js';

// Ended and abandoned runs: grey points off the lines (stats.ts drawnApart), named in the legend.
const APART_LABEL = 'Ended or abandoned';
const DURATION_SERIES: ChartSeries[] = [
  { label: 'Duration', colorVar: '--tone-running', format: (v) => formatDuration(v * 1000) },
  { label: 'Median', colorVar: '--text-muted', dash: [6, 4], format: (v) => formatDuration(v * 1000) },
  { label: APART_LABEL, colorVar: '--tone-ended', pointsOnly: true, format: (v) => formatDuration(v * 1000) },
];
const COUNT_CHART_SERIES: ChartSeries[] = [
  { label: 'Created', colorVar: '--tone-success', format: formatCount },
  { label: 'Updated', colorVar: '--tone-running', format: formatCount },
  { label: 'Skipped', colorVar: '--tone-skipped', format: formatCount },
  { label: 'Failed', colorVar: '--tone-failure', format: formatCount },
  { label: `${APART_LABEL} (all records)`, colorVar: '--tone-ended', pointsOnly: true, format: formatCount },
];

interface ChartSpec {
  caption: string;
  summary: string;
  series: ChartSeries[];
  columns: Columns;
  yFormat: (value: number, increment: number) => string;
}

/** `finished`: the loaded runs that ended; `median`: their median duration (ms). */
export function renderPipelineCharts(finished: readonly RunView[], median: number | null) {
  // A lone run is charted over its own duration on each side.
  const apart = finished.filter((r) => drawnApart(r.status)).length;
  const apartSummary = apart === 0 ? '' : `; ${apart} ended or abandoned, shown as grey points`;
  const lonePad = finished.length === 1 && finished[0]!.durationMs !== null ? finished[0]!.durationMs / 1000 : null;
  const charts: ChartSpec[] = [
    {
      caption: 'Duration',
      summary: `Duration of the ${finished.length} loaded finished runs; median ${formatDuration(median)}${apartSummary}`,
      series: DURATION_SERIES,
      columns: durationColumns(finished),
      yFormat: formatAxisSeconds,
    },
    {
      caption: 'Records per run',
      summary: `Created, updated, skipped and failed records of the ${finished.length} loaded finished runs${apartSummary}`,
      series: COUNT_CHART_SERIES,
      columns: countColumns(finished),
      yFormat: formatAxisCount,
    },
  ];
  return html`<div class="charts">
    ${charts.map(
      (c) =>
        html`<time-chart
          caption=${c.caption}
          summary=${c.summary}
          .series=${c.series}
          .columns=${c.columns}
          .yFormat=${c.yFormat}
          .singlePointPad=${lonePad}
        ></time-chart>`,
    )}
  </div>`;
}
