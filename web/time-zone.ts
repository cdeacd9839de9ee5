// Which clock the UI's times are shown in: the browser's zone or UTC (operators comparing with server logs
// often want UTC). One setting for the whole page, chosen in the header and kept in localStorage; the
// formatting functions read it, so every time on screen agrees with the label.

export type TimeZoneMode = 'local' | 'utc';

export const TIME_ZONE_STORAGE_KEY = 'runboard.timeZone';

let current: TimeZoneMode = 'local';

export function timeZoneMode(): TimeZoneMode {
  return current;
}

export function setTimeZoneMode(mode: TimeZoneMode): void {
  current = mode;
}

/** A stored value as a mode: anything but `utc` (missing, old, edited by hand) is the browser's zone. */
export function parseTimeZoneMode(value: string | null): TimeZoneMode {
  return value === 'utc' ? 'utc' : 'local';
}

/** `UTC+05:30`, `UTC−03:00`, `UTC` from minutes east of UTC. */
export function utcOffsetText(offsetMinutes: number): string {
  if (!Number.isFinite(offsetMinutes) || offsetMinutes === 0) return 'UTC';
  const sign = offsetMinutes > 0 ? '+' : '−';
  const abs = Math.abs(Math.round(offsetMinutes));
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The header's label: `UTC`, or the browser's zone name with its current offset. */
export function timeZoneLabel(mode: TimeZoneMode, localZone: string | undefined, offsetMinutes: number): string {
  if (mode === 'utc') return 'UTC';
  const offset = utcOffsetText(offsetMinutes);
  if (localZone === offset || localZone === 'Etc/UTC') return `${offset} (local)`;
  return localZone === undefined || localZone === '' ? `local (${offset})` : `${localZone} (${offset})`;
}
