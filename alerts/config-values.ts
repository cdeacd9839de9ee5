// Reading one string value of a config map, shared by the config file's sections (alerts here, pipelines in
// health/config-pipelines.ts, which may import alerts but not the other way round): a missing required key points
// at its map, a number is told to be quoted, and surrounding spaces are trimmed.
import type { AlertsJson, AlertsReport, Segment } from './config.js';

export function readString(
  item: { [key: string]: AlertsJson },
  key: string,
  base: Segment[],
  report: AlertsReport,
  required: boolean,
): string | null {
  const got = item[key];
  if (got === undefined || got === null) {
    if (required) report(base, `${key}: is required`);
    return null;
  }
  if (typeof got !== 'string' || got.trim() === '') {
    report([...base, key], `must be a non-empty string${typeof got === 'number' ? ' (quote it)' : ''}`);
    return null;
  }
  return got.trim();
}
