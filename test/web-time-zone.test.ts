import { afterEach, describe, expect, it } from 'vitest';
import { formatClock, formatDateTime } from '../web/format.js';
import { parseTimeZoneMode, setTimeZoneMode, timeZoneLabel, timeZoneMode, utcOffsetText } from '../web/time-zone.js';

describe('time zone setting (issue 10 bug 9)', () => {
  afterEach(() => setTimeZoneMode('local'));

  it('formats in UTC when asked, whatever the zone of the machine', () => {
    const t = Date.UTC(2026, 10, 30, 23, 59, 58, 7);
    expect(formatClock(t, true)).toBe('23:59:58.007');
    expect(formatDateTime(t, true)).toBe('2026-11-30 23:59:58');
  });

  it('follows the page setting by default', () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
    setTimeZoneMode('utc');
    expect(timeZoneMode()).toBe('utc');
    expect(formatDateTime(t)).toBe('2026-01-02 03:04:05');
    expect(formatClock(t)).toBe('03:04:05.006');
  });

  it('reads a stored value, anything unknown meaning the local zone', () => {
    expect(parseTimeZoneMode('utc')).toBe('utc');
    expect(parseTimeZoneMode('local')).toBe('local');
    expect(parseTimeZoneMode(null)).toBe('local');
    expect(parseTimeZoneMode('<b>utc</b>')).toBe('local');
  });

  it('labels the zone once, with its offset', () => {
    expect(timeZoneLabel('utc', 'Asia/Kolkata', 330)).toBe('UTC');
    expect(timeZoneLabel('local', 'Asia/Kolkata', 330)).toBe('Asia/Kolkata (UTC+05:30)');
    expect(timeZoneLabel('local', 'America/St_Johns', -150)).toBe('America/St_Johns (UTC−02:30)');
    expect(timeZoneLabel('local', undefined, 0)).toBe('local (UTC)');
    expect(utcOffsetText(60)).toBe('UTC+01:00');
    expect(timeZoneLabel('local', 'UTC', 0)).toBe('UTC (local)');
  });
});
