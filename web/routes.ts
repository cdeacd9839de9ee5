// URL <-> view state. Every view and filter lives in the URL so a reload or a shared link shows the same thing.
import type { LevelLabel } from '../shared/events.js';
import { isErrorGroupSort, isErrorWindow, type ErrorGroupSort, type ErrorWindow } from './error-group-order.js';
import { isHistoryStatus, type HistoryStatus } from './history-status.js';
import { isLevelLabel } from './log-filter.js';

export type Route =
  | { view: 'overview'; club: string | null }
  | {
      view: 'pipeline';
      club: string;
      pipeline: string;
      /** Run history filtered by this status (see history-status). */
      status: HistoryStatus | null;
    }
  | {
      view: 'run';
      runId: number;
      /** Byte offset of a line to show and highlight (deep link). */
      line: number | null;
      level: LevelLabel | null;
      step: string | null;
      q: string;
    }
  | {
      view: 'errors';
      club: string | null;
      pipeline: string | null;
      system: string | null;
      identifier: string | null;
      fingerprint: string | null;
      /** Group order; null: the default (last seen). */
      sort: ErrorGroupSort | null;
      /** Group time window; null: the default (7 days). */
      window: ErrorWindow | null;
      /** Only this run's errors (the overview's "N errors" link). */
      run: number | null;
      /** 'hide': leave out acknowledged groups; null: show them. */
      acked: 'hide' | null;
    }
  /** Alert channels and the alerts sent, optionally of one club. */
  | { view: 'alerts'; club: string | null }
  | { view: 'not-found'; path: string };

function param(search: URLSearchParams, name: string): string | null {
  const value = search.get(name);
  return value === null || value === '' ? null : value;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function nonNegativeInt(text: string | null): number | null {
  if (text === null || !/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}

export function parseRoute(pathname: string, searchText: string): Route {
  const search = new URLSearchParams(searchText);
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments.length === 0) return { view: 'overview', club: param(search, 'club') };
  const [head, ...rest] = segments;
  if (head === 'pipelines' && rest.length === 2) {
    const club = decodeSegment(rest[0]!);
    const pipeline = decodeSegment(rest[1]!);
    const status = param(search, 'status');
    if (club !== null && pipeline !== null)
      return { view: 'pipeline', club, pipeline, status: isHistoryStatus(status) ? status : null };
  }
  if (head === 'runs' && rest.length === 1) {
    const runId = nonNegativeInt(rest[0]!);
    if (runId !== null) {
      const level = param(search, 'level');
      return {
        view: 'run',
        runId,
        line: nonNegativeInt(param(search, 'line')),
        level: isLevelLabel(level) ? level : null,
        step: param(search, 'step'),
        q: param(search, 'q') ?? '',
      };
    }
  }
  if (head === 'errors' && rest.length === 0) {
    const sort = param(search, 'sort');
    const window = param(search, 'window');
    return {
      view: 'errors',
      club: param(search, 'club'),
      pipeline: param(search, 'pipeline'),
      system: param(search, 'system'),
      identifier: param(search, 'identifier'),
      fingerprint: param(search, 'fingerprint'),
      sort: isErrorGroupSort(sort) ? sort : null,
      window: isErrorWindow(window) ? window : null,
      run: nonNegativeInt(param(search, 'run')),
      acked: param(search, 'acked') === 'hide' ? 'hide' : null,
    };
  }
  if (head === 'alerts' && rest.length === 0) return { view: 'alerts', club: param(search, 'club') };
  return { view: 'not-found', path: pathname };
}

function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'overview':
      return `/${query({ club: route.club })}`;
    case 'pipeline':
      return `/pipelines/${encodeURIComponent(route.club)}/${encodeURIComponent(route.pipeline)}${query({ status: route.status })}`;
    case 'run':
      return `/runs/${route.runId}${query({ line: route.line, level: route.level, step: route.step, q: route.q })}`;
    case 'errors':
      return `/errors${query({
        club: route.club,
        pipeline: route.pipeline,
        system: route.system,
        identifier: route.identifier,
        fingerprint: route.fingerprint,
        sort: route.sort,
        window: route.window,
        run: route.run,
        acked: route.acked,
      })}`;
    case 'alerts':
      return `/alerts${query({ club: route.club })}`;
    case 'not-found':
      return route.path;
  }
}

export function overviewHref(club: string | null = null): string {
  return routeHref({ view: 'overview', club });
}

export function pipelineHref(club: string, pipeline: string, status: HistoryStatus | null = null): string {
  return routeHref({ view: 'pipeline', club, pipeline, status });
}

export function runHref(runId: number, line: number | null = null): string {
  return routeHref({ view: 'run', runId, line, level: null, step: null, q: '' });
}

export function errorsHref(filters: Partial<Omit<Extract<Route, { view: 'errors' }>, 'view'>> = {}): string {
  return routeHref({
    view: 'errors',
    club: filters.club ?? null,
    pipeline: filters.pipeline ?? null,
    system: filters.system ?? null,
    identifier: filters.identifier ?? null,
    fingerprint: filters.fingerprint ?? null,
    sort: filters.sort ?? null,
    window: filters.window ?? null,
    run: filters.run ?? null,
    acked: filters.acked ?? null,
  });
}

export function alertsHref(club: string | null = null): string {
  return routeHref({ view: 'alerts', club });
}

/** The club the header's filter shows for a route. */
export function routeClub(route: Route): string | null {
  return route.view === 'overview' || route.view === 'errors' || route.view === 'pipeline' || route.view === 'alerts'
    ? route.club
    : null;
}

export function routeTitle(route: Route): string {
  switch (route.view) {
    case 'overview':
      return route.club === null ? 'Overview' : `Overview · ${route.club}`;
    case 'pipeline':
      return `${route.club} / ${route.pipeline}`;
    case 'run':
      return `Run ${route.runId}`;
    case 'errors':
      return 'Errors';
    case 'alerts':
      return route.club === null ? 'Alerts' : `Alerts · ${route.club}`;
    case 'not-found':
      return 'Not found';
  }
}
