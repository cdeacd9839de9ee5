import { describe, expect, it } from 'vitest';
import { NO_FILTER, draftFilter, filterHistory } from '../web/log-filter.js';

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

describe('filterHistory (issue 10 bug 6)', () => {
  it('pushes an entry for every pick, so Back undoes it', () => {
    expect(filterHistory('pick', false)).toEqual({ replace: false, typingEntryOpen: false });
    expect(filterHistory('pick', true)).toEqual({ replace: false, typingEntryOpen: false });
  });

  it('pushes one entry per typed search, then replaces it while typing goes on', () => {
    const first = filterHistory('typing', false);
    expect(first).toEqual({ replace: false, typingEntryOpen: true });
    expect(filterHistory('typing', first.typingEntryOpen)).toEqual({ replace: true, typingEntryOpen: true });
  });
});
