// Pure formatting for durations, times and counts. DOM-free so it is unit-tested in node. Times follow the
// page's time-zone setting (time-zone.ts) unless told otherwise.
import { timeZoneMode } from './time-zone.js';

/** `1.2 s`, `45 s`, `3 m 05 s`, `2 h 04 m`, `3 d 4 h`; `—` for null/negative/NaN. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const totalSeconds = ms / 1000;
  if (totalSeconds < 10) return `${(Math.floor(totalSeconds * 10) / 10).toFixed(1)} s`;
  const s = Math.floor(totalSeconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${pad2(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${pad2(m % 60)} m`;
  const d = Math.floor(h / 24);
  return `${d} d ${h % 24} h`;
}

/** `just now`, `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`, or `in 5 s` for times ahead of `now` (clock skew). */
export function formatRelative(time: number | null | undefined, now: number): string {
  if (time === null || time === undefined || !Number.isFinite(time)) return '—';
  const diff = now - time;
  const ahead = diff < 0;
  const abs = Math.abs(diff);
  if (abs < 5_000) return 'just now';
  let text: string;
  if (abs < 60_000) text = `${Math.floor(abs / 1000)} s`;
  else if (abs < 3_600_000) text = `${Math.floor(abs / 60_000)} min`;
  else if (abs < 86_400_000) text = `${Math.floor(abs / 3_600_000)} h`;
  else text = `${Math.floor(abs / 86_400_000)} d`;
  return ahead ? `in ${text}` : `${text} ago`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

/** Wall-clock fields of a time, in the browser's zone or in UTC. */
function fields(time: number, utc: boolean) {
  const d = new Date(time);
  return utc
    ? {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hours: d.getUTCHours(),
        minutes: d.getUTCMinutes(),
        seconds: d.getUTCSeconds(),
        ms: d.getUTCMilliseconds(),
      }
    : {
        year: d.getFullYear(),
        month: d.getMonth() + 1,
        day: d.getDate(),
        hours: d.getHours(),
        minutes: d.getMinutes(),
        seconds: d.getSeconds(),
        ms: d.getMilliseconds(),
      };
}

/** Wall-clock time of a log line: `14:03:07.042`. */
export function formatClock(time: number | null | undefined, utc = timeZoneMode() === 'utc'): string {
  if (time === null || time === undefined || !Number.isFinite(time)) return '—';
  const f = fields(time, utc);
  return `${pad2(f.hours)}:${pad2(f.minutes)}:${pad2(f.seconds)}.${pad3(f.ms)}`;
}

/** Date and time: `2026-11-23 14:03:07`. */
export function formatDateTime(time: number | null | undefined, utc = timeZoneMode() === 'utc'): string {
  if (time === null || time === undefined || !Number.isFinite(time)) return '—';
  const f = fields(time, utc);
  return `${f.year}-${pad2(f.month)}-${pad2(f.day)} ${pad2(f.hours)}:${pad2(f.minutes)}:${pad2(f.seconds)}`;
}

/** Thousands separated with a thin space, so counts line up without a locale surprise: `12 345`. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/** `42%` from done/total; null when the total is unknown or zero. */
export function progressFraction(done: number, total: number | null): number | null {
  if (total === null || !Number.isFinite(total) || total <= 0) return null;
  return Math.min(1, Math.max(0, done / total));
}

export function formatPercent(fraction: number | null): string {
  if (fraction === null) return '—';
  return `${Math.floor(fraction * 100)}%`;
}

/** One-line, bounded rendering of a log line's extra fields (text only; the UI binds it as text). */
export function compactJson(value: unknown, maxChars = 300): string {
  if (value === null || value === undefined) return '';
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  } catch {
    text = '[unserialisable]';
  }
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/**
 * An axis tick for a duration in seconds, precise enough to tell neighbouring ticks apart:
 * `0.2 ms`, `50 ms`, `1.5 s`, `2 m 00 s`.
 */
export function formatAxisSeconds(seconds: number, incrementSeconds: number): string {
  const ms = seconds * 1000;
  const incrementMs = Math.abs(incrementSeconds * 1000);
  if (!Number.isFinite(ms)) return '';
  if (incrementMs < 1000 && Math.abs(ms) < 1000) {
    const decimals = incrementMs > 0 ? Math.max(0, Math.min(3, Math.ceil(-Math.log10(incrementMs)))) : 0;
    return `${ms.toFixed(decimals)} ms`;
  }
  if (incrementMs < 60_000 && Math.abs(ms) < 60_000) {
    const decimals = Math.max(0, Math.min(3, Math.ceil(-Math.log10(incrementMs / 1000))));
    return `${seconds.toFixed(decimals)} s`;
  }
  return formatDuration(ms);
}

/** A count axis tick: whole numbers grouped, fractions (small ranges) with one decimal. */
export function formatAxisCount(value: number, increment: number): string {
  return Number.isInteger(increment) ? formatCount(value) : value.toFixed(1);
}

/** `1 error`, `3 errors`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
