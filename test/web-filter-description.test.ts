import { describe, expect, it } from 'vitest';
import { describeErrorFilters, describeLogFilter } from '../web/filter-description.js';
import { NO_FILTER } from '../web/log-filter.js';

describe('filter descriptions (issue 10 bug 7)', () => {
  it('names every log filter that applies', () => {
    expect(describeLogFilter(NO_FILTER)).toBe('no filter');
    expect(describeLogFilter({ level: 'error', step: 'save', q: ' IBAN ' })).toBe(
      'level error+, step save, text “IBAN”',
    );
  });

  it('names every errors filter that applies', () => {
    const none = { club: null, pipeline: null, system: null, identifier: null, fingerprint: null };
    expect(describeErrorFilters(none)).toBe('no filter');
    expect(describeErrorFilters({ ...none, club: 'north', system: 'crm', identifier: 'm-1' })).toBe(
      'club north, system crm, record m-1',
    );
  });
});
