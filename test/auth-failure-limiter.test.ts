// The per-client failure counter behind login and bearer throttling: pure, with the clock passed in.
import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from '../server/failure-limiter.js';

describe('failure limiter', () => {
  it('blocks a client after maxFailures failures within the window, until the window ends', () => {
    const limiter = createFailureLimiter({ maxFailures: 3, windowMs: 60_000, maxClients: 100 });
    for (let i = 0; i < 3; i++) {
      expect(limiter.blockedForMs('a', 1_000 + i)).toBe(0);
      limiter.recordFailure('a', 1_000 + i);
    }
    expect(limiter.blockedForMs('a', 1_010)).toBe(60_000 - 10);
    expect(limiter.blockedForMs('b', 1_010)).toBe(0);
    expect(limiter.blockedForMs('a', 61_000)).toBe(0);
    // A fresh window: one failure is not enough.
    limiter.recordFailure('a', 61_000);
    expect(limiter.blockedForMs('a', 61_001)).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const limiter = createFailureLimiter({ maxFailures: 2, windowMs: 1_000, maxClients: 100 });
    limiter.recordFailure('a', 0);
    limiter.recordFailure('a', 1_500);
    expect(limiter.blockedForMs('a', 1_600)).toBe(0);
  });

  it('keeps at most maxClients entries, dropping the oldest', () => {
    const limiter = createFailureLimiter({ maxFailures: 1, windowMs: 60_000, maxClients: 2 });
    limiter.recordFailure('a', 0);
    limiter.recordFailure('b', 1);
    limiter.recordFailure('c', 2);
    expect(limiter.size()).toBe(2);
    expect(limiter.blockedForMs('a', 3)).toBe(0);
    expect(limiter.blockedForMs('c', 3)).toBeGreaterThan(0);
  });
});
