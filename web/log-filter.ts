// The log viewer's filters: the same predicate applies to REST pages (as query parameters, filtered by the
// server) and to live lines (filtered here), so both paths show the same lines.
import type { LogLineView } from '../shared/api.js';
import { LEVELS, type LevelLabel } from '../shared/events.js';

export interface LogFilter {
  /** Minimum level; null shows every level. */
  level: LevelLabel | null;
  /** Only lines of this step; null shows all. */
  step: string | null;
  /** Case-insensitive text to find in the message; empty shows all. */
  q: string;
}

export const NO_FILTER: LogFilter = { level: null, step: null, q: '' };

export function isLevelLabel(value: string | null | undefined): value is LevelLabel {
  return value !== null && value !== undefined && Object.prototype.hasOwnProperty.call(LEVELS, value);
}

export function isFiltered(filter: LogFilter): boolean {
  return filter.level !== null || filter.step !== null || filter.q.trim() !== '';
}

export function sameFilter(a: LogFilter, b: LogFilter): boolean {
  return a.level === b.level && a.step === b.step && a.q.trim() === b.q.trim();
}

/**
 * Matches a live line the way the server filters a page: level at or above, exact step, and the text in the
 * message or the line's other fields (case-insensitive).
 */
export function lineMatches(filter: LogFilter, line: LogLineView): boolean {
  if (filter.level !== null && line.level < LEVELS[filter.level]) return false;
  if (filter.step !== null && line.step !== filter.step) return false;
  const q = filter.q.trim().toLowerCase();
  if (q === '') return true;
  if ((line.msg ?? '').toLowerCase().includes(q)) return true;
  return line.data !== null && JSON.stringify(line.data).toLowerCase().includes(q);
}

/**
 * The filter the controls show after a change: every change not yet applied (a search still being typed)
 * stays, so picking a level a moment after typing keeps the typed text.
 */
export function draftFilter(applied: LogFilter, draft: LogFilter | null, patch: Partial<LogFilter>): LogFilter {
  return { ...(draft ?? applied), ...patch };
}

/**
 * How a filter change enters the browser history, so Back undoes a filter: a pick (level, step) pushes an
 * entry; typed search text pushes one entry for the burst and then replaces it, not one per keystroke.
 * `typingEntryOpen` says the current entry is such a burst's.
 */
export function filterHistory(
  change: 'pick' | 'typing',
  typingEntryOpen: boolean,
): { replace: boolean; typingEntryOpen: boolean } {
  if (change === 'pick') return { replace: false, typingEntryOpen: false };
  return { replace: typingEntryOpen, typingEntryOpen: true };
}

/** Query parameters of /api/runs/:id/logs for this filter. */
export function filterParams(filter: LogFilter): Record<string, string | number | undefined> {
  return {
    level: filter.level === null ? undefined : LEVELS[filter.level],
    step: filter.step ?? undefined,
    q: filter.q.trim() === '' ? undefined : filter.q.trim(),
  };
}
