// How the errors page orders and bounds its groups: a sort (last seen, count, runs affected, first seen) and a
// time window (24 h, 7 d, 30 d, all), both in the URL. Pure: URL values, labels, and the window's start.
import { ERROR_GROUP_SORTS, type ErrorGroupSort } from '../shared/api.js';

export { ERROR_GROUP_SORTS, type ErrorGroupSort };

export const ERROR_WINDOWS = ['24h', '7d', '30d', 'all'] as const;
export type ErrorWindow = (typeof ERROR_WINDOWS)[number];

/** The server's default window (GROUPS_DEFAULT_DAYS), shown when the URL names none. */
export const DEFAULT_ERROR_WINDOW: ErrorWindow = '7d';
export const DEFAULT_ERROR_SORT: ErrorGroupSort = 'lastSeen';

export const ERROR_SORT_LABELS: Record<ErrorGroupSort, string> = {
  lastSeen: 'last seen',
  count: 'count',
  runs: 'runs affected',
  firstSeen: 'first seen',
};

export const ERROR_WINDOW_LABELS: Record<ErrorWindow, string> = {
  '24h': 'last 24 hours',
  '7d': 'last 7 days',
  '30d': 'last 30 days',
  all: 'all time',
};

const WINDOW_MS: Record<Exclude<ErrorWindow, 'all'>, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export function isErrorGroupSort(value: string | null): value is ErrorGroupSort {
  return (ERROR_GROUP_SORTS as readonly string[]).includes(value ?? '');
}

export function isErrorWindow(value: string | null): value is ErrorWindow {
  return (ERROR_WINDOWS as readonly string[]).includes(value ?? '');
}

/** The `since` to ask the API for (0 for all time). */
export function windowSince(window: ErrorWindow, now: number): number {
  return window === 'all' ? 0 : now - WINDOW_MS[window];
}
