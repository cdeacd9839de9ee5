import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../health/duration.js';
import { parseDuration as fromServerConfig } from '../app/config.js';

describe('parseDuration', () => {
  it('reads the spellings the config file documents', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('5000')).toBe(5000);
    expect(parseDuration(' 1.5h ')).toBe(5_400_000);
    expect(parseDuration('15M')).toBe(900_000);
  });

  it('refuses what it cannot read', () => {
    for (const bad of ['', '0', '0s', '-1h', 'h', '1w', '1h30m', 'NaN', '1e3', '15 minutes', '0.0001ms']) {
      expect(parseDuration(bad), bad).toBeNull();
    }
  });

  it('is the same function the start flags use', () => {
    expect(fromServerConfig).toBe(parseDuration);
  });
});

describe('formatDuration', () => {
  it('shows the two largest units, rounded down', () => {
    expect(formatDuration(120)).toBe('120 ms');
    expect(formatDuration(45_900)).toBe('45 s');
    expect(formatDuration(12 * 60_000 + 5_000)).toBe('12 min 5 s');
    expect(formatDuration(2 * 3_600_000)).toBe('2 h');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000 + 59_000)).toBe('2 h 5 min');
    expect(formatDuration(86_400_000 + 3 * 3_600_000)).toBe('1 d 3 h');
    expect(formatDuration(-90_000)).toBe('-1 min 30 s');
  });
});
