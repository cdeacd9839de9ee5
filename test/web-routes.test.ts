import { describe, expect, it } from 'vitest';
import { errorsHref, parseRoute, pipelineHref, routeHref, runHref, type Route } from '../web/routes.js';

describe('routes', () => {
  it('parses every view and its filters', () => {
    expect(parseRoute('/', '')).toEqual({ view: 'overview', club: null });
    expect(parseRoute('/', '?club=north')).toEqual({ view: 'overview', club: 'north' });
    expect(parseRoute('/pipelines/north/sync%20members', '')).toEqual({
      view: 'pipeline',
      club: 'north',
      pipeline: 'sync members',
      status: null,
    });
    expect(parseRoute('/pipelines/north/sync', '?status=unstable')).toMatchObject({ status: 'unstable' });
    expect(parseRoute('/pipelines/north/sync', '?status=bogus')).toMatchObject({ status: null });
    expect(parseRoute('/runs/42', '?line=1024&level=warn&step=fetch&q=time%20out')).toEqual({
      view: 'run',
      runId: 42,
      line: 1024,
      level: 'warn',
      step: 'fetch',
      q: 'time out',
    });
    expect(parseRoute('/errors', '?club=a&pipeline=b&system=crm&identifier=m-1&fingerprint=ab12')).toEqual({
      view: 'errors',
      club: 'a',
      pipeline: 'b',
      system: 'crm',
      identifier: 'm-1',
      fingerprint: 'ab12',
      sort: null,
      window: null,
      run: null,
      acked: null,
    });
    expect(parseRoute('/errors', '?run=12&acked=hide')).toMatchObject({ run: 12, acked: 'hide' });
    expect(parseRoute('/errors', '?run=x&acked=yes')).toMatchObject({ run: null, acked: null });
    expect(parseRoute('/errors', '?sort=count&window=30d')).toMatchObject({ sort: 'count', window: '30d' });
    expect(parseRoute('/errors', '?sort=loud&window=1y')).toMatchObject({ sort: null, window: null });
  });

  it('rejects malformed paths and values instead of guessing', () => {
    expect(parseRoute('/runs/abc', '').view).toBe('not-found');
    expect(parseRoute('/runs/-1', '').view).toBe('not-found');
    expect(parseRoute('/pipelines/only-club', '').view).toBe('not-found');
    expect(parseRoute('/pipelines/%E0%A4%A/x', '').view).toBe('not-found');
    const run = parseRoute('/runs/7', '?line=x&level=loud');
    expect(run).toMatchObject({ view: 'run', runId: 7, line: null, level: null });
  });

  it('round-trips every route through its href (deep links survive reload)', () => {
    const routes: Route[] = [
      { view: 'overview', club: null },
      { view: 'overview', club: 'süd & west' },
      { view: 'pipeline', club: 'a/b', pipeline: 'x?y#z', status: null },
      { view: 'pipeline', club: 'a', pipeline: 'b', status: 'unstable' },
      { view: 'run', runId: 9, line: null, level: null, step: null, q: '' },
      { view: 'run', runId: 9, line: 77, level: 'error', step: 'load / save', q: '<img src=x>' },
      {
        view: 'errors',
        club: 'c',
        pipeline: null,
        system: 'crm',
        identifier: 'id 1',
        fingerprint: null,
        sort: null,
        window: null,
        run: null,
        acked: null,
      },
      {
        view: 'errors',
        club: null,
        pipeline: null,
        system: null,
        identifier: null,
        fingerprint: null,
        sort: 'firstSeen',
        window: 'all',
        run: null,
        acked: null,
      },
      {
        view: 'errors',
        club: 'c',
        pipeline: 'p',
        system: null,
        identifier: null,
        fingerprint: null,
        sort: null,
        window: 'all',
        run: 42,
        acked: 'hide',
      },
    ];
    for (const route of routes) {
      const href = routeHref(route);
      const url = new URL(href, 'http://localhost');
      expect(parseRoute(url.pathname, url.search)).toEqual(route);
    }
  });

  it('builds links the pages use', () => {
    expect(pipelineHref('a b', 'c')).toBe('/pipelines/a%20b/c');
    expect(runHref(5)).toBe('/runs/5');
    expect(runHref(5, 120)).toBe('/runs/5?line=120');
    expect(errorsHref({ club: 'a', fingerprint: 'ff' })).toBe('/errors?club=a&fingerprint=ff');
  });
});
