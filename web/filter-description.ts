// Filters in words, for the message shown when a filtered fetch fails ("… for level error+, step save"), so
// the operator knows which view failed and what a retry will ask for. Pure, so it is unit-tested in node.
import type { LogFilter } from './log-filter.js';
import type { Route } from './routes.js';

type ErrorsRoute = Extract<Route, { view: 'errors' }>;

function joined(parts: string[]): string {
  return parts.length === 0 ? 'no filter' : parts.join(', ');
}

export function describeLogFilter(filter: LogFilter): string {
  const parts: string[] = [];
  if (filter.level !== null) parts.push(`level ${filter.level}+`);
  if (filter.step !== null) parts.push(`step ${filter.step}`);
  if (filter.q.trim() !== '') parts.push(`text “${filter.q.trim()}”`);
  return joined(parts);
}

export function describeErrorFilters(
  route: Omit<ErrorsRoute, 'view' | 'sort' | 'window' | 'run' | 'acked'> & { run?: number | null },
): string {
  const parts: string[] = [];
  if (route.club !== null) parts.push(`club ${route.club}`);
  if (route.pipeline !== null) parts.push(`pipeline ${route.pipeline}`);
  if (route.system !== null) parts.push(`system ${route.system}`);
  if (route.identifier !== null) parts.push(`record ${route.identifier}`);
  if (route.fingerprint !== null) parts.push(`group ${route.fingerprint}`);
  if (route.run !== undefined && route.run !== null) parts.push(`run #${route.run}`);
  return joined(parts);
}
