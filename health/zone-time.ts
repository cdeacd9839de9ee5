// A time as a zone's clock reads it, ISO-like, for health reasons and the alerts backtest alike.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `2026-03-29 03:00` (with `:ss` for second schedules) as the schedule's zone reads it. */
export function formatInZone(ms: number, timezone: string, seconds: boolean): string {
  const key = `${timezone}\n${seconds}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    // sv-SE writes ISO-like `YYYY-MM-DD HH:mm:ss`; creating a formatter costs far more than using one, so keep them.
    formatter = new Intl.DateTimeFormat('sv-SE', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' } : {}),
      hourCycle: 'h23',
    });
    formatters.set(key, formatter);
  }
  return formatter.format(ms);
}
