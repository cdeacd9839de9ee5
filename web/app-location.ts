// The app's address bar: the route it names, the club choice applied to it, and which link clicks stay in the
// app (the shell intercepts plain <a href> clicks, so in-app links also work as links).
import { CLUB_STORAGE_KEY, clubChoice, storedClub } from './club-choice.js';
import { readSetting, writeSetting } from './local-setting.js';
import { alertsHref, overviewHref, parseRoute, routeHref, type Route } from './routes.js';

export function currentRoute(): Route {
  return parseRoute(window.location.pathname, window.location.search);
}

/**
 * The route of the address bar once the chosen club is applied: a bare overview or errors address gets the
 * stored club back (replacing the history entry), and a club in the URL becomes the stored choice.
 */
export function routeWithChosenClub(): { route: Route; club: string | null } {
  const choice = clubChoice(currentRoute(), storedClub(readSetting(CLUB_STORAGE_KEY)));
  if (choice.redirect !== null) window.history.replaceState(null, '', choice.redirect + window.location.hash);
  writeSetting(CLUB_STORAGE_KEY, choice.club);
  return { route: currentRoute(), club: choice.club };
}

/** The club a page shows, to carry it over when the club filter changes. */
export function withClub(route: Route, club: string | null): string {
  if (route.view === 'errors')
    return routeHref({ ...route, club, pipeline: club === route.club ? route.pipeline : null });
  if (route.view === 'alerts') return alertsHref(club);
  return overviewHref(club);
}

/** The in-app address a click on a link goes to, or null when the browser should follow it itself. */
export function inAppHref(event: MouseEvent): string | null {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return null;
  const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
  if (!anchor || anchor.target !== '' || anchor.hasAttribute('download')) return null;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return null;
  return url.pathname + url.search + url.hash;
}
