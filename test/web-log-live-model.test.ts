import { describe, expect, it } from 'vitest';
import { endWording, jumpLabel, logEnd } from '../web/log-live-model.js';

describe('log end', () => {
  it('is live only for a running run on a live socket', () => {
    expect(logEnd('running', 'live')).toBe('live');
    expect(logEnd('running', 'reconnecting')).toBe('offline');
    expect(logEnd('running', 'offline')).toBe('offline');
    expect(logEnd('running', 'connecting')).toBe('offline');
    for (const status of ['success', 'failure', 'abandoned'] as const) expect(logEnd(status, 'live')).toBe('ended');
    expect(logEnd(null, 'live')).toBe('unknown');
  });

  it('says "live" only where lines can still arrive (issue 10 bug 4)', () => {
    expect(endWording('live', true)).toBe('following live');
    expect(endWording('live', false)).toBe('paused');
    for (const end of ['offline', 'ended', 'unknown'] as const) {
      expect(endWording(end, true)).not.toMatch(/live|follow/);
      expect(jumpLabel(end, 3)).not.toMatch(/live/i);
    }
    expect(jumpLabel('live', 0)).toBe('Jump to live');
    expect(jumpLabel('live', 1200)).toBe('Jump to live (1\u202f200 new)');
    expect(jumpLabel('ended', 0)).toBe('Jump to the end');
  });
});
