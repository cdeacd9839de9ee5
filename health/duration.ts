// Durations as operators write them (`90s`, `15m`, `2h`, `1d`, or bare milliseconds) and as reasons show them.
// Shared by the start flags (`--stale-after`) and the config file (`grace`, `maxDuration`), so both accept the same
// spellings.

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1h`, `30m`, `90s`, `1500ms`, `2d`, or a bare number of milliseconds; null for anything else, zero included. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i.exec(text.trim());
  if (!match?.[1]) return null;
  const ms = Number(match[1]) * (DURATION_UNITS[(match[2] ?? 'ms').toLowerCase()] ?? 1);
  return Number.isFinite(ms) && ms >= 1 && Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : null;
}

/**
 * A duration in words for reasons and logs: the two largest units, rounded down (`2 h 5 min`, `45 s`, `1 d 3 h`).
 * Never "0 s" for a positive duration: under a second reads `120 ms`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.floor(Math.abs(ms));
  if (rest < 1000) return `${sign}${rest} ms`;
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count} ${unit}`);
    if (parts.length === 2) break;
  }
  // "2 h 0 min" reads worse than "2 h".
  return sign + parts.filter((part, i) => i === 0 || !part.startsWith('0 ')).join(' ');
}
