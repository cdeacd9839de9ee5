// Counts failed authentication attempts per client (address) in fixed windows, so guessing the token from one
// address stops after a few tries. Pure: the caller passes the clock. (@fastify/rate-limit counts every request,
// not failures, and is not installed here; this is the part we need.)

export interface FailureLimitOptions {
  /** Failures allowed per client per window; the next attempt is refused until the window ends. */
  maxFailures: number;
  windowMs: number;
}

export interface FailureLimiter {
  /** 0 when `client` may try now, else how long until it may. */
  blockedForMs(client: string, now: number): number;
  recordFailure(client: string, now: number): void;
  /** Clients tracked (bounded by maxClients). */
  size(): number;
}

interface Window {
  startedAt: number;
  failures: number;
}

export const DEFAULT_FAILURE_LIMIT: FailureLimitOptions = { maxFailures: 10, windowMs: 15 * 60_000 };

export function createFailureLimiter(options: FailureLimitOptions & { maxClients?: number }): FailureLimiter {
  // A flood from many addresses must not grow memory without bound; the oldest windows go first (Map keeps
  // insertion order, and a client's window is re-inserted when it starts anew).
  const maxClients = options.maxClients ?? 10_000;
  const windows = new Map<string, Window>();

  function current(client: string, now: number): Window | undefined {
    const window = windows.get(client);
    if (window !== undefined && now - window.startedAt >= options.windowMs) {
      windows.delete(client);
      return undefined;
    }
    return window;
  }

  return {
    blockedForMs(client, now) {
      const window = current(client, now);
      if (window === undefined || window.failures < options.maxFailures) return 0;
      return window.startedAt + options.windowMs - now;
    },
    recordFailure(client, now) {
      const window = current(client, now);
      if (window !== undefined) {
        window.failures++;
        return;
      }
      windows.set(client, { startedAt: now, failures: 1 });
      while (windows.size > maxClients) {
        const oldest = windows.keys().next();
        if (oldest.done === true) break;
        windows.delete(oldest.value);
      }
    },
    size: () => windows.size,
  };
}
