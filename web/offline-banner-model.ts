// When the page says its data may be stale: the live socket has been down for more than a moment (a blip
// while a server restarts should not flash a banner), until it is live again. Pure, so the threshold is
// unit-tested without a socket or a clock.
import type { ConnectionState } from './live-state.js';

/** Down for this long before the banner shows. */
export const STALE_AFTER_MS = 3_000;

export type BannerDecision =
  | { show: true; since: number }
  /** `recheckInMs`: when to look again (the threshold is not reached yet), or null (nothing to wait for). */
  | { show: false; recheckInMs: number | null };

/**
 * `downSince`: when the connection was lost (the live client's, or when this page first saw it down);
 * null while live.
 */
export function offlineBanner(state: ConnectionState, downSince: number | null, now: number): BannerDecision {
  if (state === 'live' || downSince === null) return { show: false, recheckInMs: null };
  const down = now - downSince;
  if (down >= STALE_AFTER_MS) return { show: true, since: downSince };
  return { show: false, recheckInMs: STALE_AFTER_MS - down };
}
