// The club the operator chose in the header filter. It stays until they change it: pages whose URL carries a
// club (overview, errors, alerts) set it; the others (pipeline, run) show it and link back with it; a new visit to a
// bare address gets it back from storage. Pure, so the rules are unit-tested in node.
import { routeHref, type Route } from './routes.js';

export const CLUB_STORAGE_KEY = 'runboard.club';

export interface ClubChoice {
  /** The chosen club; null for all clubs. */
  club: string | null;
  /** Where to go instead (same page, with the stored club in its URL), or null to stay. */
  redirect: string | null;
}

/** The choice for a route, given the stored one. */
export function clubChoice(route: Route, stored: string | null): ClubChoice {
  if (route.view !== 'overview' && route.view !== 'errors' && route.view !== 'alerts')
    return { club: stored, redirect: null };
  if (route.club !== null) return { club: route.club, redirect: null };
  if (stored === null) return { club: null, redirect: null };
  return { club: stored, redirect: routeHref({ ...route, club: stored }) };
}

/** What storage held, as a club or null (missing, empty, or unreadable storage). */
export function storedClub(value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : value;
}
