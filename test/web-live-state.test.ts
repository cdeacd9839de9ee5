import { describe, expect, it } from 'vitest';
import {
  OFFLINE_AFTER_FAILURES,
  OFFLINE_AFTER_MS,
  backoffDelay,
  foldConnection,
  helloNeedsResync,
  initialConnection,
  type ConnectionEvent,
  type ConnectionModel,
} from '../web/live-state.js';

const fold = (events: ConnectionEvent[], start: ConnectionModel = initialConnection()) =>
  events.reduce(foldConnection, start);

describe('connection state', () => {
  it('is "live" only after the hello, never on the socket opening alone', () => {
    let model = fold([{ type: 'connect', now: 0 }]);
    expect(model.state).toBe('connecting');
    model = foldConnection(model, { type: 'hello', cursor: 10, resumed: false, epoch: 'e1' });
    expect(model).toMatchObject({ state: 'live', cursor: 10, epoch: 'e1', failures: 0, downSince: null });
  });

  it('remembers the cursor of the last batch, and the epoch for resuming', () => {
    const model = fold([
      { type: 'connect', now: 0 },
      { type: 'hello', cursor: 10, resumed: false, epoch: 'e1' },
      { type: 'batch', cursor: 12 },
      { type: 'batch', cursor: 15 },
    ]);
    expect(model).toMatchObject({ cursor: 15, epoch: 'e1' });
  });

  it('goes reconnecting on a drop, then offline after repeated failures or a long outage', () => {
    let model = fold([
      { type: 'connect', now: 0 },
      { type: 'hello', cursor: 1, resumed: false, epoch: 'e' },
      { type: 'closed', now: 1000 },
    ]);
    expect(model.state).toBe('reconnecting');
    for (let i = 1; i < OFFLINE_AFTER_FAILURES; i++) {
      model = foldConnection(model, { type: 'connect', now: 1000 + i });
      model = foldConnection(model, { type: 'closed', now: 1000 + i });
    }
    expect(model.state).toBe('offline');
    expect(model.failures).toBe(OFFLINE_AFTER_FAILURES);

    const long = fold([
      { type: 'connect', now: 0 },
      { type: 'hello', cursor: 1, resumed: false, epoch: 'e' },
      { type: 'closed', now: 1000 },
      { type: 'connect', now: 2000 },
      { type: 'closed', now: 1000 + OFFLINE_AFTER_MS },
    ]);
    expect(long.state).toBe('offline');
  });

  it('stays offline while reconnect attempts are made, until a hello', () => {
    let model = fold([{ type: 'browser-offline' }]);
    expect(model.state).toBe('offline');
    model = foldConnection(model, { type: 'connect', now: 5 });
    expect(model.state).toBe('offline');
    model = foldConnection(model, { type: 'browser-online', now: 6 });
    expect(model.state).toBe('reconnecting');
    model = foldConnection(model, { type: 'hello', cursor: 3, resumed: true, epoch: 'e' });
    expect(model.state).toBe('live');
  });

  it('a refetch answer makes the stream live from its cursor, with the new epoch', () => {
    const model = fold([
      { type: 'connect', now: 0 },
      { type: 'hello', cursor: 5, resumed: false, epoch: 'old' },
      { type: 'closed', now: 1 },
      { type: 'connect', now: 2 },
      { type: 'refetch', cursor: 900, epoch: 'new' },
    ]);
    expect(model).toMatchObject({ state: 'live', cursor: 900, epoch: 'new', failures: 0 });
  });

  it('asks views to reload after a fresh hello, not after a resumed one', () => {
    expect(helloNeedsResync({ resumed: false })).toBe(true);
    expect(helloNeedsResync({ resumed: true })).toBe(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(1, 1)).toBe(500);
    expect(backoffDelay(2, 1)).toBe(1000);
    expect(backoffDelay(3, 1)).toBe(2000);
    expect(backoffDelay(3, 0)).toBe(1000);
    expect(backoffDelay(50, 1)).toBe(15_000);
    for (let f = 1; f < 20; f++) {
      const d = backoffDelay(f, 0.5);
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThanOrEqual(15_000);
    }
  });
});
