// When the page says its data may be stale (web/offline-banner-model.ts).
import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS, offlineBanner } from '../web/offline-banner-model.js';

describe('offlineBanner', () => {
  it('shows nothing while live', () => {
    expect(offlineBanner('live', null, 10_000)).toEqual({ show: false, recheckInMs: null });
  });

  it('waits out a short drop, then shows since when the socket went down', () => {
    expect(offlineBanner('reconnecting', 10_000, 11_000)).toEqual({ show: false, recheckInMs: 2_000 });
    expect(offlineBanner('reconnecting', 10_000, 10_000 + STALE_AFTER_MS)).toEqual({ show: true, since: 10_000 });
    expect(offlineBanner('offline', 10_000, 99_000)).toEqual({ show: true, since: 10_000 });
    expect(offlineBanner('connecting', 10_000, 14_000)).toEqual({ show: true, since: 10_000 });
  });
});
