// The page data controller's guard, under node: only the newest load's answer (or failure) lands, batches that
// arrive during a load are handed to it, a follow-up request of a superseded load is dropped, and the
// subscription follows the page's topics and its connection.
import { describe, expect, it } from 'vitest';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveDataMessage, LiveTopic } from '../shared/api.js';
import type { LiveSubscriber } from '../web/live-client.js';
import { LiveDataController, type LiveSource } from '../web/live-data-controller.js';
import type { ConnectionModel } from '../web/live-state.js';
import { initialConnection } from '../web/live-state.js';

/** A promise the test settles when it chooses: answers arriving out of order. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A host element's controller side: counts the updates it is asked for. */
function host() {
  const controllers: ReactiveController[] = [];
  const state = { updates: 0 };
  const element: ReactiveControllerHost = {
    addController: (c) => controllers.push(c),
    removeController: () => {},
    requestUpdate: () => void state.updates++,
    updateComplete: Promise.resolve(true),
  };
  return {
    element,
    state,
    connect: () => controllers.forEach((c) => c.hostConnected?.()),
    disconnect: () => controllers.forEach((c) => c.hostDisconnected?.()),
  };
}

/** The live client's subscriber side, driven by the test: what the socket would deliver. */
function source() {
  const subscribers = new Set<LiveSubscriber>();
  const listeners = new Set<(model: ConnectionModel) => void>();
  const live: LiveSource = {
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
    onState(listener) {
      listeners.add(listener);
      listener(initialConnection());
      return () => listeners.delete(listener);
    },
  };
  return {
    live,
    subscribers,
    listeners,
    batch: (messages: LiveDataMessage[]) => [...subscribers].forEach((s) => s.onBatch(messages)),
    resync: () => [...subscribers].forEach((s) => s.onResync('refetch')),
  };
}

const removed = (runId: number): LiveDataMessage => ({ type: 'removed', cursor: 1, runIds: [runId] });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function page(topics: () => readonly LiveTopic[] | null = () => [{ kind: 'run', runId: 1 }]) {
  const h = host();
  const s = source();
  const seen = { reloads: 0, batches: [] as LiveDataMessage[][] };
  const live = new LiveDataController(h.element, {
    source: () => s.live,
    topics,
    reload: () => void seen.reloads++,
    onBatch: (messages) => void seen.batches.push([...messages]),
  });
  return { h, s, seen, live };
}

describe('LiveDataController', () => {
  it('applies only the newest load when an older answer arrives last', async () => {
    const { live } = page();
    const applied: string[] = [];
    const first = deferred<string>();
    const second = deferred<string>();
    const a = live.load(() => first.promise, { apply: (v) => void applied.push(v) });
    const b = live.load(() => second.promise, { apply: (v) => void applied.push(v) });
    second.resolve('newer');
    await b;
    first.resolve('older');
    await a;
    expect(applied).toEqual(['newer']);
    expect(live.loading).toBe(false);
    expect(live.loaded).toBe(true);
  });

  it('keeps the error of the newest load only, and clears it on the next success', async () => {
    const { live } = page();
    const stale = deferred<string>();
    const loadStale = live.load(() => stale.promise, { apply: () => {} });
    await live.load(() => Promise.reject(new Error('503 restarting')), { apply: () => {} });
    expect(live.error).toBe('503 restarting');
    stale.reject(new Error('an older failure'));
    await loadStale;
    expect(live.error).toBe('503 restarting');
    await live.load(() => Promise.resolve(1), { apply: () => {} });
    expect(live.error).toBeNull();
  });

  it('leaves a failure the page handled out of the error', async () => {
    const { live } = page();
    const handled: unknown[] = [];
    await live.load(() => Promise.reject(new Error('404')), {
      apply: () => {},
      fail: (error) => handled.push(error) > 0,
    });
    expect(handled).toHaveLength(1);
    expect(live.error).toBeNull();
  });

  it('hands the batches that came during a load to it, and none from before', async () => {
    const { h, s, seen, live } = page();
    h.connect();
    s.batch([removed(1)]); // before the load: the page applied it itself
    const answer = deferred<string>();
    let held: readonly (readonly LiveDataMessage[])[] = [];
    const load = live.load(() => answer.promise, { apply: (_v, batches) => void (held = batches) });
    s.batch([removed(2)]);
    s.batch([removed(3)]);
    answer.resolve('snapshot');
    await load;
    expect(held).toEqual([[removed(2)], [removed(3)]]);
    // The page saw every batch as it came, too.
    expect(seen.batches).toEqual([[removed(1)], [removed(2)], [removed(3)]]);
  });

  it('drops a follow-up answer once a newer load started', async () => {
    const { live } = page();
    await live.load(() => Promise.resolve('first'), { apply: () => {} });
    const more = deferred<string>();
    const followUp = live.within(() => more.promise);
    void live.load(() => Promise.resolve('second'), { apply: () => {} });
    more.resolve('page 2 of the first');
    expect(await followUp).toBeUndefined();
    expect(await live.within(() => Promise.resolve('page 2 of the second'))).toBe('page 2 of the second');
  });

  it('ignores answers that arrive after the page was disconnected', async () => {
    const { h, live } = page();
    h.connect();
    const answer = deferred<string>();
    const applied: string[] = [];
    const load = live.load(() => answer.promise, { apply: (v) => void applied.push(v) });
    h.disconnect();
    answer.resolve('late');
    await load;
    expect(applied).toEqual([]);
  });

  it('runs an after-load task once the load settles, and drops it when a newer load starts', async () => {
    const { live } = page();
    const ran: string[] = [];
    const first = deferred<string>();
    const a = live.load(() => first.promise, { apply: () => {} });
    live.afterLoad(() => ran.push('after first'));
    const second = deferred<string>();
    const b = live.load(() => second.promise, { apply: () => {} });
    first.resolve('x');
    second.resolve('y');
    await Promise.all([a, b]);
    expect(ran).toEqual([]);
    live.afterLoad(() => ran.push('now'));
    expect(ran).toEqual(['now']);
  });

  it('subscribes on connect, reloads on a resync, resubscribes only for other topics, and lets go on disconnect', async () => {
    let runId = 1;
    const { h, s, seen, live } = page(() => [{ kind: 'run', runId }]);
    h.connect();
    expect(s.subscribers.size).toBe(1);
    expect(seen.reloads).toBe(1);
    s.resync();
    expect(seen.reloads).toBe(2);
    expect(live.resubscribe()).toBe(false); // same topics
    runId = 2;
    expect(live.resubscribe()).toBe(true);
    expect([...s.subscribers].map((x) => x.topics)).toEqual([[{ kind: 'run', runId: 2 }]]);
    h.disconnect();
    expect(s.subscribers.size).toBe(0);
    await tick();
  });

  it('waits for topics before subscribing', () => {
    let topics: LiveTopic[] | null = null;
    const { h, s, seen, live } = page(() => topics);
    h.connect();
    expect(s.subscribers.size).toBe(0);
    expect(seen.reloads).toBe(0);
    topics = [{ kind: 'overview' }];
    expect(live.resubscribe()).toBe(true);
    expect(s.subscribers.size).toBe(1);
  });

  it('tracks the connection state when asked, and stops listening on disconnect', () => {
    const h = host();
    const s = source();
    const live = new LiveDataController(h.element, {
      source: () => s.live,
      topics: () => null,
      reload: () => {},
      onBatch: () => {},
      trackConnection: true,
    });
    h.connect();
    expect(live.connection).toBe(initialConnection().state);
    for (const listener of s.listeners) listener({ ...initialConnection(), state: 'live' });
    expect(live.connection).toBe('live');
    h.disconnect();
    expect(s.listeners.size).toBe(0);
  });
});
