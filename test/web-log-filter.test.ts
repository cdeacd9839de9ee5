import { describe, expect, it } from 'vitest';
import { NO_FILTER, draftFilter } from '../web/log-filter.js';

describe('draftFilter', () => {
  it('starts from the applied filter when nothing is pending', () => {
    expect(draftFilter({ ...NO_FILTER, step: 'fetch' }, null, { level: 'warn' })).toEqual({
      level: 'warn',
      step: 'fetch',
      q: '',
    });
  });

  it('keeps text still being typed when another filter changes (issue 10 bug 1)', () => {
    const typing = draftFilter(NO_FILTER, null, { q: 'IBAN' });
    expect(draftFilter(NO_FILTER, typing, { level: 'info' })).toEqual({ level: 'info', step: null, q: 'IBAN' });
  });

  it('lets a later change of the same filter win', () => {
    const first = draftFilter(NO_FILTER, null, { level: 'info' });
    expect(draftFilter(NO_FILTER, first, { level: 'error' }).level).toBe('error');
  });
});
