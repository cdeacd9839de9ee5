// The log viewer's feed, under node: the first page and the live lines that came while it loaded, a reload for
// another filter whose late answer must not land, paging older with the view held in place, gaps filled, and
// catching up after a reconnect (a failure said and retried, never lines lost or shown twice).
import { describe, expect, it } from 'vitest';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveDataMessage, LogLineView, LogsResponse } from '../shared/api.js';
import type { LiveSubscriber } from '../web/live-client.js';
import { LiveDataController } from '../web/live-data-controller.js';
import { CATCH_UP_FAILED, LogFeed, type LogQuery, type LogTarget } from '../web/log-feed.js';
import { gapsOf, lineCount } from '../web/log-buffer.js';
import { NO_FILTER } from '../web/log-filter.js';

function line(offset: number, level = 30): LogLineView {
  return {
    id: offset + 1,
    runId: 1,
    offset,
    time: 1_700_000_000_000 + offset,
    level,
    event: null,
    step: null,
    msg: `at ${offset}`,
    data: null,
  };
}

/** A run's log of lines at offsets 0, 100, 200, …, answered as the REST route pages it. */
function logOf(count: number) {
  const lines = Array.from({ length: count }, (_, i) => line(i * 100));
  return (query: LogQuery): LogsResponse => {
    let matching = lines.filter(
      (l) =>
        (query.after === undefined || l.offset > query.after) &&
        (query.before === undefined || l.offset < query.before),
    );
    // Without `after`, the newest page (as the route answers a first page or an older one).
    const fromEnd = query.after === undefined;
    const hasMore = matching.length > query.limit;
    matching = fromEnd ? matching.slice(-query.limit) : matching.slice(0, query.limit);
    return {
      lines: matching,
      hasOlder: fromEnd ? hasMore : lines.some((l) => l.offset <= (query.after ?? -1)),
      hasNewer: fromEnd ? lines.some((l) => l.offset >= (query.before ?? Infinity)) : hasMore,
    };
  };
}

interface Pending {
  query: LogQuery;
  answer(response: LogsResponse): void;
  fail(error: Error): void;
}

function setup(target: LogTarget = { runId: 1, filter: NO_FILTER, focusLine: null }) {
  const controllers: ReactiveController[] = [];
  const element: ReactiveControllerHost = {
    addController: (c) => controllers.push(c),
    removeController: () => {},
    requestUpdate: () => {},
    updateComplete: Promise.resolve(true),
  };
  const pending: Pending[] = [];
  const feedRef: { feed?: LogFeed } = {};
  // The live client's side, driven by the test: batches reach the feed through the controller, as in the page.
  const subscribers: LiveSubscriber[] = [];
  const loads = new LiveDataController(element, {
    source: () => ({
      subscribe: (subscriber) => {
        subscribers.push(subscriber);
        return () => {};
      },
      onState: () => () => {},
    }),
    topics: () => [{ kind: 'run', runId: target.runId }],
    reload: () => void feedRef.feed?.reload(),
    onBatch: (messages) => feedRef.feed?.onBatch(messages),
  });
  loads.resubscribe();
  const feed = new LogFeed(
    {
      target: () => target,
      fetchLogs: (query) =>
        new Promise<LogsResponse>((resolve, reject) => pending.push({ query, answer: resolve, fail: reject })),
      rowAboveView: () => true,
      changed: () => {},
    },
    loads,
  );
  feedRef.feed = feed;
  /** Answers every request waiting now from `log`, oldest first, and lets the answers land. */
  const answerAll = async (log: (q: LogQuery) => LogsResponse) => {
    while (pending.length > 0) {
      for (const p of pending.splice(0)) p.answer(log(p.query));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  const batch = (messages: LiveDataMessage[]) => subscribers.forEach((subscriber) => subscriber.onBatch(messages));
  return { feed, loads, pending, answerAll, target, batch };
}

const logs = (...offsets: number[]): LiveDataMessage => ({
  type: 'logs',
  cursor: 1,
  runId: 1,
  lines: offsets.map((o) => line(o)),
});
const offsets = (feed: LogFeed) => feed.buffer.rows.flatMap((r) => (r.kind === 'line' ? [r.line.offset] : []));

describe('LogFeed', () => {
  it('loads the newest page and puts the live lines that came meanwhile on top, following the live end', async () => {
    const { feed, answerAll, batch } = setup();
    const loading = feed.reload();
    expect(feed.initialLoading).toBe(true);
    batch([logs(300)]); // held: the first page may or may not have it
    batch([logs(400)]);
    expect(lineCount(feed.buffer)).toBe(0);
    await answerAll(logOf(4)); // lines 0..300
    await loading;
    expect(offsets(feed)).toEqual([0, 100, 200, 300, 400]);
    expect(feed.initialLoading).toBe(false);
    expect(feed.following).toBe(true);
    expect(feed.takeScroll()).toEqual({ kind: 'bottom' });
  });

  it('drops the late answer of a reload that another filter superseded', async () => {
    const { feed, pending, answerAll, target } = setup();
    const first = feed.reload();
    const stale = pending.splice(0);
    target.filter = { ...NO_FILTER, level: 'error' };
    const second = feed.reload();
    await answerAll(() => ({ lines: [line(500, 50)], hasOlder: false, hasNewer: false }));
    for (const p of stale) p.answer(logOf(3)(p.query));
    await Promise.all([first, second]);
    expect(offsets(feed)).toEqual([500]);
  });

  it('shows a failed first page in place of lines that belonged to another filter', async () => {
    const { feed, pending, answerAll } = setup();
    const first = feed.reload();
    await answerAll(logOf(3));
    await first;
    const again = feed.reload();
    pending.splice(0).forEach((p) => p.fail(new Error('503')));
    await again;
    expect(feed.buffer.rows).toEqual([]);
    expect(feed.reloadFailure).toEqual({ message: '503', filter: NO_FILTER });
  });

  it('pages older lines in and keeps the same lines on screen', async () => {
    const { feed, answerAll } = setup();
    const log = logOf(1200);
    const first = feed.reload();
    await answerAll(log);
    await first;
    expect(feed.buffer.hasOlder).toBe(true);
    feed.takeScroll();
    const older = feed.loadOlder();
    expect(feed.loadingOlder).toBe(true);
    await answerAll(log);
    await older;
    expect(lineCount(feed.buffer)).toBe(1200);
    expect(feed.buffer.hasOlder).toBe(false);
    expect(feed.takeScroll()).toEqual({ kind: 'by', at: 0, rows: 700 });
    expect(feed.loadingOlder).toBe(false);
  });

  it('marks lines the live stream skipped and fills the gap by REST', async () => {
    const { feed, answerAll, batch } = setup();
    const log = logOf(10);
    const first = feed.reload();
    await answerAll(logOf(3));
    await first;
    batch([{ type: 'skipped', cursor: 1, runId: 1, afterOffset: 200, beforeOffset: 600, count: 3 }, logs(600)]);
    expect(gapsOf(feed.buffer)).toHaveLength(1);
    const filling = feed.loadAllGaps();
    await answerAll(log);
    await filling;
    expect(gapsOf(feed.buffer)).toHaveLength(0);
    expect(offsets(feed)).toEqual([0, 100, 200, 300, 400, 500, 600]);
  });

  it('catches up after a reconnect from the last line held, counting them for a paused view', async () => {
    const { feed, answerAll } = setup();
    const first = feed.reload();
    await answerAll(logOf(3));
    await first;
    feed.pause();
    const catchUp = feed.catchUp();
    await answerAll(logOf(6));
    await catchUp;
    expect(offsets(feed)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(feed.unseenBelow).toBe(3);
  });

  it('says a failed catch-up, keeps the lines it holds, and clears the message once a later one succeeds', async () => {
    const { feed, pending, answerAll } = setup();
    const first = feed.reload();
    await answerAll(logOf(3));
    await first;
    const failing = feed.catchUp();
    pending.splice(0).forEach((p) => p.fail(new Error('503 restarting')));
    await failing;
    expect(feed.loadError).toBe(`${CATCH_UP_FAILED}: 503 restarting`);
    expect(offsets(feed)).toEqual([0, 100, 200]);
    const retry = feed.catchUp(); // the socket's next resync (or the timer) tries again
    await answerAll(logOf(4));
    await retry;
    expect(feed.loadError).toBeNull();
    expect(offsets(feed)).toEqual([0, 100, 200, 300]);
  });

  it('counts live lines that do not match the filter as missed, not shown', async () => {
    const { feed, answerAll, batch, target } = setup();
    target.filter = { ...NO_FILTER, level: 'error' };
    const first = feed.reload();
    await answerAll(() => ({ lines: [], hasOlder: false, hasNewer: false }));
    await first;
    batch([{ type: 'logs', cursor: 1, runId: 1, lines: [line(0, 30), line(100, 50)] }]);
    expect(offsets(feed)).toEqual([100]);
    expect(feed.newSinceView).toBe(0);
  });
});
