// How `runboard alerts backtest` prints what the replay found: a table for people, or one JSON document with
// --json. Club, pipeline and reason come from run files, so control characters are printed escaped.
import type { DecidedAlert } from '../alerts/decide.js';
import type { AlertKind } from '../shared/alerts.js';
import type { BacktestReport } from './alerts-backtest.js';
import { escapeControls, terminalSafeJson } from './tail/escape.js';
import { formatInZone } from '../health/zone-time.js';

export interface BacktestWindow {
  since: number;
  until: number;
  /** The zone times are printed in. */
  timezone: string;
}

export interface BacktestAlertJson {
  /** ISO-8601, UTC. */
  time: string;
  at: number;
  kind: AlertKind;
  club: string;
  pipeline: string;
  channels: string[];
  reason: string;
  summary: string;
  state: string;
  previousState: string | null;
  runId: string | null;
  reminder: boolean;
}

export function backtestJson(report: BacktestReport, window: BacktestWindow): string {
  const alerts: BacktestAlertJson[] = report.alerts.map((alert) => ({
    time: new Date(alert.at).toISOString(),
    at: alert.at,
    kind: alert.kind,
    club: alert.club,
    pipeline: alert.pipeline,
    channels: alert.channels,
    reason: alert.reason,
    summary: alert.summary,
    state: alert.state,
    previousState: alert.previousState,
    runId: alert.runId,
    reminder: alert.reminder,
  }));
  return terminalSafeJson({
    since: new Date(window.since).toISOString(),
    until: new Date(window.until).toISOString(),
    pipelines: report.pipelines,
    rules: report.rules.length,
    alerts,
    openAtStart: report.openAtStart,
    warnings: report.warnings,
  });
}

export function backtestText(report: BacktestReport, window: BacktestWindow): string {
  const at = timeFormatter(window.timezone);
  const lines = [
    `Alerts the config would have sent from ${at(window.since)} to ${at(window.until)} (${window.timezone}): ` +
      `${plural(report.pipelines, 'pipeline')}, ${plural(report.rules.length, 'rule')}.`,
  ];
  for (const warning of report.warnings) lines.push(`warning: ${escapeControls(warning)}`);
  if (report.alerts.length > 0) {
    const rows = report.alerts.map((alert) => [
      at(alert.at),
      alert.reminder ? `${alert.kind} (reminder)` : alert.kind,
      escapeControls(`${alert.club}/${alert.pipeline}`),
      alert.channels.join(', '),
      escapeControls(alert.reason),
    ]);
    const header = ['time', 'kind', 'pipeline', 'channels', 'reason'];
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
    lines.push('');
    for (const row of [header, ...rows]) {
      lines.push(
        row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
      );
    }
    lines.push('');
  }
  lines.push(
    `${plural(report.alerts.length, 'alert')}${report.alerts.length > 0 ? `: ${countsByKind(report.alerts)}` : ''}.`,
  );
  if (report.openAtStart.length > 0) {
    const open = report.openAtStart.map((item) =>
      escapeControls(`${item.club}/${item.pipeline} (${item.state}: ${item.reason})`),
    );
    lines.push(`Already alerting when the window opened (sent before it, not counted): ${open.join('; ')}.`);
  }
  return lines.join('\n') + '\n';
}

function countsByKind(alerts: readonly DecidedAlert[]): string {
  const counts = new Map<string, number>();
  for (const alert of alerts) {
    const kind = alert.reminder ? `${alert.kind} reminder` : alert.kind;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, count]) => `${count} ${kind}`).join(', ');
}

/** `2026-11-02 03:20:00` as the zone reads it. */
function timeFormatter(timezone: string): (ms: number) => string {
  return (ms) => formatInZone(ms, timezone, true);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
