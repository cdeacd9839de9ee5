import { describe, expect, it } from 'vitest';
import { clubChoice, storedClub } from '../web/club-choice.js';
import { parseRoute } from '../web/routes.js';

describe('clubChoice (issue 10 bug 5)', () => {
  it('takes the club from a URL that carries one, whatever was stored', () => {
    expect(clubChoice(parseRoute('/', '?club=north'), 'south')).toEqual({ club: 'north', redirect: null });
    expect(clubChoice(parseRoute('/errors', '?club=north&system=crm'), null)).toEqual({
      club: 'north',
      redirect: null,
    });
  });

  it('puts the stored club back into a bare overview or errors address', () => {
    expect(clubChoice(parseRoute('/', ''), 'north')).toEqual({ club: 'north', redirect: '/?club=north' });
    expect(clubChoice(parseRoute('/errors', '?system=crm'), 'a b')).toEqual({
      club: 'a b',
      redirect: '/errors?club=a+b&system=crm',
    });
  });

  it('keeps the stored club on pages whose URL has no club filter', () => {
    expect(clubChoice(parseRoute('/runs/42', ''), 'north')).toEqual({ club: 'north', redirect: null });
    expect(clubChoice(parseRoute('/pipelines/south/sync', ''), 'north')).toEqual({ club: 'north', redirect: null });
    expect(clubChoice(parseRoute('/nowhere/at/all', ''), null)).toEqual({ club: null, redirect: null });
  });

  it('means all clubs when nothing is stored', () => {
    expect(clubChoice(parseRoute('/', ''), null)).toEqual({ club: null, redirect: null });
    expect(storedClub(null)).toBe(null);
    expect(storedClub('')).toBe(null);
    expect(storedClub('north')).toBe('north');
  });
});
