// What every page needs from the app: the REST client and the live socket.
import type { ApiClient } from './api-client.js';
import type { LiveClient } from './live-client.js';

export interface Services {
  api: ApiClient;
  live: LiveClient;
}

/** Pages ask the app shell to change the URL (filters, links built in code). */
export interface NavigateDetail {
  href: string;
  /** Replace the history entry (filter typing) rather than push one. */
  replace?: boolean;
}

export function navigateEvent(href: string, replace = false): CustomEvent<NavigateDetail> {
  return new CustomEvent<NavigateDetail>('navigate', { detail: { href, replace }, bubbles: true, composed: true });
}
