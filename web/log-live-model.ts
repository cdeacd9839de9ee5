// Whether anything can still arrive at the end of a run's log, and how the log viewer says so. Pure, so the
// rule "live wording only where lines can still arrive" is unit-tested without a browser.
import type { RunStatus } from '../shared/events.js';
import { formatCount } from './format.js';
import type { ConnectionState } from './live-state.js';

/**
 * `live`: the run is running and the socket is up, so new lines stream in; `offline`: the run is running but
 * the socket is down, so nothing arrives until it is back; `ended`: the run is over (finished or abandoned),
 * nothing more will come; `unknown`: the run is not loaded yet.
 */
export type LogEnd = 'live' | 'offline' | 'ended' | 'unknown';

export function logEnd(runStatus: RunStatus | null, connection: ConnectionState): LogEnd {
  if (runStatus === null) return 'unknown';
  if (runStatus !== 'running') return 'ended';
  return connection === 'live' ? 'live' : 'offline';
}

/** The status line's last part when the newest lines are loaded. */
export function endWording(end: LogEnd, atBottom: boolean): string {
  switch (end) {
    case 'live':
      return atBottom ? 'following live' : 'paused';
    case 'offline':
      return 'disconnected: new lines show once reconnected';
    case 'ended':
      return 'run ended';
    case 'unknown':
      return '';
  }
}

/** The button that takes the view to the newest lines; `newLines` counts lines not seen yet. */
export function jumpLabel(end: LogEnd, newLines: number): string {
  const count = newLines > 0 ? ` (${formatCount(newLines)} new)` : '';
  return end === 'live' ? `Jump to live${count}` : `Jump to the end${count}`;
}
