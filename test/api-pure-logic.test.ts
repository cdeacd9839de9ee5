// The API's pure decisions, without HTTP or SQLite: streaks, summaries, cursors, parameter messages, paths.
import { describe, expect, it } from 'vitest';
import { emptyRun } from '../ingest/fold.js';
import type { IdentifierFailure } from '../server/queries/error-groups.js';
import { isNewGroup } from '../server/queries/error-groups.js';
import type { RecentRunRow } from '../server/queries/pipelines.js';
import { decodeCursor, decodeIntegerCursor, encodeCursor } from '../server/queries/cursor.js';
import { InvalidCursorError } from '../server/queries/query-errors.js';
import { containsPattern } from '../server/queries/statements.js';
import { errorBody, validationMessage } from '../server/routes/http-errors.js';
import { identifierStreaks } from '../server/routes/identifier-streaks.js';
import { minimumLevel } from '../server/routes/logs.js';
import { median, summarisePipeline } from '../server/routes/pipeline-summary.js';
import { isInside } from '../server/routes/safe-run-file.js';
import type { RunRow } from '../shared/schema.js';

const failures = (...ids: string[]): Map<string, IdentifierFailure> =>
  new Map(ids.map((id, i) => [id, { message: `${id} failed`, time: 1000 + i }]));

describe('identifierStreaks', () => {
  it('counts consecutive runs back from the newest', () => {
    const runs = [failures('a', 'b', 'c'), failures('a', 'b'), failures('a', 'c'), failures('a')];
    expect(identifierStreaks(runs, 2).map((s) => [s.identifier, s.consecutiveRuns])).toEqual([
      ['a', 4],
      ['b', 2],
    ]);
    expect(identifierStreaks(runs, 1).map((s) => s.identifier)).toEqual(['a', 'b', 'c']);
    expect(identifierStreaks(runs, 5)).toEqual([]);
  });

  it('reports the newest failure of each identifier', () => {
    const [a] = identifierStreaks([failures('a'), failures('x', 'a')], 2);
    expect(a).toEqual({ identifier: 'a', consecutiveRuns: 2, lastMessage: 'a failed', lastSeen: 1000 });
  });

  it('stops reading older runs once no streak is alive', () => {
    let pulled = 0;
    function* lazy() {
      for (const run of [failures('a'), failures('b'), failures('a'), failures('a'), failures('a')]) {
        pulled++;
        yield run;
      }
    }
    expect(identifierStreaks(lazy(), 2)).toEqual([]);
    expect(pulled).toBe(2);
  });

  it('handles no runs and a clean newest run', () => {
    expect(identifierStreaks([], 2)).toEqual([]);
    expect(identifierStreaks([failures(), failures('a'), failures('a')], 2)).toEqual([]);
  });
});

describe('isNewGroup', () => {
  const latest = { startedAt: 5000, id: 9 };
  it('is new when first seen in the latest finished run or after it', () => {
    expect(isNewGroup({ startedAt: 5000, id: 9 }, latest)).toBe(true);
    expect(isNewGroup({ startedAt: 6000, id: 10 }, latest)).toBe(true);
    expect(isNewGroup({ startedAt: 4000, id: 8 }, latest)).toBe(false);
    expect(isNewGroup({ startedAt: 5000, id: 8 }, latest)).toBe(false);
    expect(isNewGroup({ startedAt: null, id: 12 }, latest)).toBe(false);
    expect(isNewGroup({ startedAt: 1, id: 1 }, null)).toBe(true);
  });
});

describe('median and summarisePipeline', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  const row = (id: number, patch: Partial<RunRow>): RunRow => ({
    ...emptyRun(id, { runKey: `r${id}`, club: 'c', pipeline: 'p' }, null),
    status: 'success',
    startedAt: id * 1000,
    durationMs: 100 * id,
    ...patch,
  });

  const narrow = (r: RunRow): RecentRunRow => ({
    id: r.id,
    status: r.status,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    failed: r.failed,
    errorCount: r.errorCount,
  });

  it('ignores running and abandoned runs for the median, lists recent oldest first', () => {
    const recent = [
      row(4, { status: 'running', durationMs: null }),
      row(3, { status: 'abandoned', durationMs: 99_999 }),
      row(2, { status: 'failure', errorCount: 3 }),
      row(1, {}),
    ];
    const summary = summarisePipeline({
      club: 'c',
      pipeline: 'p',
      lastRun: recent[0],
      recent: recent.map(narrow),
      runs24h: 4,
      finished24h: 3,
      succeeded24h: 1,
      olderFinishedErrorCount: undefined,
      runningSteps: [],
    });
    expect(summary.medianDurationMs).toBe(150);
    expect(summary.successRate24h).toBeCloseTo(1 / 3);
    expect(summary.recent.map((d) => d.id)).toEqual([1, 2, 3, 4]);
    expect(summary.lastRun?.id).toBe(4);
    expect(summary.openErrors).toBe(0);
  });

  it('takes open errors from the newest finished run, even beyond the recent ones', () => {
    const base = { club: 'c', pipeline: 'p', runs24h: 0, finished24h: 0, succeeded24h: 0, runningSteps: [] };
    const failed = row(2, { status: 'failure', errorCount: 3 });
    const running = row(3, { status: 'running' });
    expect(
      summarisePipeline({
        ...base,
        lastRun: running,
        recent: [running, failed].map(narrow),
        olderFinishedErrorCount: 9,
      }).openErrors,
    ).toBe(3);
    expect(
      summarisePipeline({ ...base, lastRun: running, recent: [running].map(narrow), olderFinishedErrorCount: 9 })
        .openErrors,
    ).toBe(9);
  });

  it('has null rates without finished runs', () => {
    const summary = summarisePipeline({
      club: 'c',
      pipeline: 'p',
      lastRun: undefined,
      recent: [],
      runs24h: 0,
      finished24h: 0,
      succeeded24h: 0,
      olderFinishedErrorCount: undefined,
      runningSteps: [],
    });
    expect(summary).toMatchObject({ lastRun: null, successRate24h: null, medianDurationMs: null, openErrors: 0 });
  });
});

describe('cursors', () => {
  it('round-trips and is refused by another list', () => {
    const cursor = encodeCursor('runs', [1234, null]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'runs', 2)).toEqual([1234, null]);
    expect(() => decodeCursor(cursor, 'errors', 2)).toThrow(InvalidCursorError);
    expect(() => decodeCursor(cursor, 'runs', 1)).toThrow(InvalidCursorError);
    expect(() => decodeIntegerCursor(cursor, 'runs', 2)).toThrow(InvalidCursorError);
  });

  it('round-trips any finite number a row may hold (1e300, fractions)', () => {
    for (const key of [
      [1e300, 2],
      [1.5, -1e300],
      [Number.MAX_VALUE, null],
    ]) {
      expect(decodeCursor(encodeCursor('runs', key), 'runs', 2)).toEqual(key);
    }
  });

  it.each(['', 'bm90IGpzb24', Buffer.from('["runs","1",2]').toString('base64url'), encodeCursor('runs', [null])])(
    'refuses %j',
    (cursor) => {
      expect(() => decodeCursor(cursor, 'runs', 2)).toThrow(InvalidCursorError);
    },
  );
});

describe('error bodies', () => {
  it('carry a stable code for each status', () => {
    expect(errorBody(404, 'run 1 not found')).toEqual({
      error: 'Not Found',
      message: 'run 1 not found',
      statusCode: 404,
      code: 'RB_ERR_NOT_FOUND',
    });
    expect(errorBody(400, 'bad', 'RB_ERR_INVALID_CURSOR').code).toBe('RB_ERR_INVALID_CURSOR');
    expect(errorBody(418, 'teapot').code).toBe('RB_ERR_REQUEST');
    expect(errorBody(502, 'upstream').code).toBe('RB_ERR_INTERNAL');
  });

  it('a query error carries a code and no HTTP status', () => {
    const error = new InvalidCursorError();
    expect(error.code).toBe('RB_ERR_INVALID_CURSOR');
    expect('statusCode' in error).toBe(false);
  });
});

describe('parameter helpers', () => {
  it('names the parameter in validation messages', () => {
    expect(
      validationMessage('querystring', [
        { instancePath: '/limit', keyword: 'maximum', message: 'must be <= 500', params: {} },
      ]),
    ).toBe('query parameter "limit" must be <= 500');
    expect(
      validationMessage('body', [{ instancePath: '', keyword: 'required', params: { missingProperty: 'token' } }]),
    ).toBe('field "token" is required');
    expect(
      validationMessage('params', [{ instancePath: '/id', keyword: 'type', message: 'must be integer', params: {} }]),
    ).toBe('path parameter "id" must be integer');
  });

  it('escapes LIKE wildcards', () => {
    expect(containsPattern('100%_a\\b')).toBe('%100\\%\\_a\\\\b%');
  });

  it('reads levels by label or number', () => {
    expect(minimumLevel('warn')).toBe(40);
    expect(minimumLevel('fatal')).toBe(60);
    expect(minimumLevel('35')).toBe(35);
  });

  it('tells whether a path is inside a directory', () => {
    expect(isInside('/data/runs', '/data/runs/c/p/r.ndjson')).toBe(true);
    expect(isInside('/data/runs', '/data/runs')).toBe(false);
    expect(isInside('/data/runs', '/data/runs-evil/x')).toBe(false);
    expect(isInside('/data/runs', '/data/x')).toBe(false);
    expect(isInside('/data/runs', '/data/runs/..foo')).toBe(true);
  });
});
