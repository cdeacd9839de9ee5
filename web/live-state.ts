// The live connection's state as the operator sees it, folded from socket events. Pure, so the rule
// "`live` only after the server's hello" and the backoff are unit-tested without a socket.

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface ConnectionModel {
  state: ConnectionState;
  /** Failed attempts since the last hello. */
  failures: number;
  /** When the connection was last lost (or first attempted); null while live. */
  downSince: number | null;
  browserOnline: boolean;
  /** Cursor of the last hello/batch/refetch: sent back as `since` to resume. */
  cursor: number | null;
  /** The server process that cursor belongs to (`hello.epoch`): sent back with `since`. */
  epoch: string | null;
}

export type ConnectionEvent =
  | { type: 'connect'; now: number }
  | { type: 'hello'; cursor: number; resumed: boolean; epoch: string }
  | { type: 'batch'; cursor: number }
  | { type: 'refetch'; cursor: number; epoch: string }
  | { type: 'closed'; now: number }
  | { type: 'browser-offline' }
  | { type: 'browser-online'; now: number };

/** After this many failed attempts or this long without a hello, say "offline" rather than "reconnecting". */
export const OFFLINE_AFTER_FAILURES = 4;
export const OFFLINE_AFTER_MS = 15_000;

export function initialConnection(browserOnline = true): ConnectionModel {
  return {
    state: browserOnline ? 'connecting' : 'offline',
    failures: 0,
    downSince: null,
    browserOnline,
    cursor: null,
    epoch: null,
  };
}

export function foldConnection(model: ConnectionModel, event: ConnectionEvent): ConnectionModel {
  switch (event.type) {
    case 'connect':
      // A socket is opening; it is not live until the hello arrives.
      return {
        ...model,
        state: model.state === 'offline' || model.state === 'reconnecting' ? model.state : 'connecting',
        downSince: model.downSince ?? event.now,
      };
    case 'hello':
      return {
        ...model,
        state: 'live',
        failures: 0,
        downSince: null,
        // The subscription starts after hello.cursor (our `since` when resumed, the server's head otherwise).
        cursor: event.cursor,
        epoch: event.epoch,
      };
    case 'batch':
      // Batches are applied whole, so the last one's cursor is exactly where to resume.
      return { ...model, cursor: event.cursor };
    case 'refetch':
      // The server's answer to a resume it cannot serve (it restarted, or we fell behind): the subscription is
      // live from its cursor, and the views reload by REST.
      return { ...model, state: 'live', failures: 0, downSince: null, cursor: event.cursor, epoch: event.epoch };
    case 'closed': {
      const failures = model.failures + 1;
      const downSince = model.downSince ?? event.now;
      const offline =
        !model.browserOnline || failures >= OFFLINE_AFTER_FAILURES || event.now - downSince >= OFFLINE_AFTER_MS;
      return { ...model, failures, downSince, state: offline ? 'offline' : 'reconnecting' };
    }
    case 'browser-offline':
      return { ...model, browserOnline: false, state: 'offline', downSince: model.downSince ?? null };
    case 'browser-online':
      return {
        ...model,
        browserOnline: true,
        failures: 0,
        state: model.state === 'live' ? 'live' : 'reconnecting',
        downSince: model.downSince ?? event.now,
      };
  }
}

/**
 * Must the views (re)load by REST after a hello? A resumed stream replays exactly what was missed: no.
 * A fresh one starts at the server's head, and what the views fetched before may be older: yes.
 * (A refused resume is answered with `refetch`, which always means yes.)
 */
export function helloNeedsResync(hello: { resumed: boolean }): boolean {
  return !hello.resumed;
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s, ... capped at 15 s, each scaled by 0.5..1. */
export function backoffDelay(failures: number, random: number, baseMs = 500, capMs = 15_000): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exp * (0.5 + 0.5 * Math.min(1, Math.max(0, random))));
}

export const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'connecting',
  live: 'live',
  reconnecting: 'reconnecting',
  offline: 'offline',
};
