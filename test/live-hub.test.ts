// The live hub without sockets: fan-out by topic, coalescing, exact resume, refetch, backpressure.
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveDataMessage, LiveServerMessage, LiveTopic } from '../shared/api.js';
import { CLOSE_GOING_AWAY, CLOSE_TOO_SLOW, createLiveHub, type LiveHub, type LiveSink } from '../server/live-hub.js';
import { createMetrics, type Metrics } from '../server/metrics.js';
import { change, errorRow, linesChange, logRow, runRow, stepRow } from './fixtures/live-rows.js';
import { nextTurn, waitFor } from './fixtures/live-wait.js';
import { seededRandom } from './support/seeded-random.js';

class RecordingSink implements LiveSink {
  messages: LiveServerMessage[] = [];
  buffered = 0;
  closedWith: { code: number; reason: string } | null = null;
  /** When set, frames after this many are lost (a connection cut mid-stream). */
  cutAfter: number | null = null;
  send(frame: string): void {
    if (this.cutAfter !== null && this.messages.length >= this.cutAfter) return;
    this.messages.push(JSON.parse(frame) as LiveServerMessage);
  }
  bufferedAmount(): number {
    return this.buffered;
  }
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }
  batches(): Array<Extract<LiveServerMessage, { type: 'batch' }>> {
    return this.messages.filter((m) => m.type === 'batch');
  }
  data(): LiveDataMessage[] {
    return this.batches().flatMap((b) => b.messages);
  }
  offsets(runId: number): number[] {
    return this.data().flatMap((m) => (m.type === 'logs' && m.runId === runId ? m.lines.map((l) => l.offset) : []));
  }
  lastCursor(): number {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const message = this.messages[i];
      if (message && message.type !== 'error') return message.cursor;
    }
    throw new Error('no cursor yet');
  }
}

function counter(metrics: Metrics, name: string): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return Promise.resolve(metric.get()).then((m) => m.values.reduce((sum, v) => sum + v.value, 0));
}

let hubs: LiveHub[] = [];
function hub(options: Parameters<typeof createLiveHub>[0] = {}): LiveHub {
  // Pacing off unless a test is about it: most tests look at what one turn of the loop sends.
  const created = createLiveHub({ cursorTickMs: 60_000, minFrameIntervalMs: 0, ...options });
  hubs.push(created);
  return created;
}
afterEach(() => {
  for (const h of hubs) h.close();
  hubs = [];
});

function connect(h: LiveHub, topics: LiveTopic[], since?: number, epoch?: string) {
  const sink = new RecordingSink();
  const connection = h.connect(sink);
  connection.handle({
    type: 'subscribe',
    topics,
    ...(since === undefined ? {} : { since }),
    ...(epoch ? { epoch } : {}),
  });
  return { sink, connection };
}

describe('subscribing and fan-out', () => {
  it('answers subscribe with hello at the current cursor, then pushes a lone change on the next turn', async () => {
    const h = hub();
    const { sink } = connect(h, [{ kind: 'run', runId: 1 }]);
    expect(sink.messages).toEqual([{ type: 'hello', cursor: h.cursor, resumed: false, epoch: h.epoch }]);
    h.publish(linesChange(1, 0, 1, 1));
    expect(sink.batches()).toHaveLength(0); // only committed-and-published data, sent after the publish returns
    await nextTurn();
    const [batch] = sink.batches();
    expect(batch?.cursor).toBe(h.cursor);
    expect(batch?.messages.map((m) => m.type)).toEqual(['runs', 'logs']);
    expect(sink.offsets(1)).toEqual([0]);
  });

  it('routes each change only to matching topics', async () => {
    const h = hub();
    const run1 = connect(h, [{ kind: 'run', runId: 1 }]).sink;
    const run2 = connect(h, [{ kind: 'run', runId: 2 }]).sink;
    const overviewA = connect(h, [{ kind: 'overview', club: 'club-a' }]).sink;
    const overviewAll = connect(h, [{ kind: 'overview' }]).sink;
    const errorsB = connect(h, [{ kind: 'errors', club: 'club-b' }]).sink;
    const none = connect(h, []).sink;

    h.publish(
      change({
        runs: [runRow(1), runRow(2, { clubSlug: 'club-b' })],
        steps: [stepRow(1, 'load'), stepRow(2, 'fetch', { clubSlug: 'club-b' })],
        errors: [errorRow(1, 0), errorRow(2, 0, { clubSlug: 'club-b' })],
        logs: [logRow(1, 0), logRow(2, 0)],
      }),
    );
    await nextTurn();

    const kinds = (sink: RecordingSink) =>
      sink.data().map((m) => {
        if (m.type === 'runs') return `runs:${m.runs.map((r) => r.id).join(',')}`;
        if (m.type === 'errors') return `errors:${m.errors.map((e) => e.runId).join(',')}`;
        if (m.type === 'removed') return `removed:${m.runIds.join(',')}`;
        if (m.type === 'health') return `health:${m.items.length}`;
        return `${m.type}:${m.runId}`;
      });
    expect(kinds(run1)).toEqual(['runs:1', 'steps:1', 'errors:1', 'logs:1']);
    expect(kinds(run2)).toEqual(['runs:2', 'steps:2', 'errors:2', 'logs:2']);
    expect(kinds(overviewA)).toEqual(['runs:1', 'steps:1']);
    expect(kinds(overviewAll)).toEqual(['runs:1,2', 'steps:1', 'steps:2']);
    expect(kinds(errorsB)).toEqual(['errors:2']);
    expect(none.batches()).toHaveLength(0);
  });

  it('sends an error subscribed both through its run and the errors topic once', async () => {
    const h = hub();
    const { sink } = connect(h, [{ kind: 'run', runId: 1 }, { kind: 'errors' }]);
    h.publish(change({ errors: [errorRow(1, 0)] }));
    await nextTurn();
    expect(sink.data()).toEqual([expect.objectContaining({ type: 'errors', errors: [expect.any(Object)] })]);
  });

  it("tells overview, errors and that run's subscribers about removed runs, after everything else", async () => {
    const h = hub();
    const overview = connect(h, [{ kind: 'overview', club: 'club-b' }]).sink;
    const errors = connect(h, [{ kind: 'errors' }]).sink;
    const run5 = connect(h, [{ kind: 'run', runId: 5 }]).sink;
    const run6 = connect(h, [{ kind: 'run', runId: 6 }]).sink;
    h.publish(linesChange(5, 0, 1));
    h.publish({ ...change({}), removedRunIds: [5] });
    await nextTurn();
    expect(overview.data()).toEqual([{ type: 'removed', cursor: h.cursor, runIds: [5] }]);
    expect(errors.data()).toEqual([{ type: 'removed', cursor: h.cursor, runIds: [5] }]);
    expect(run5.data().map((m) => m.type)).toEqual(['runs', 'logs', 'removed']);
    expect(run6.batches()).toHaveLength(0);
  });

  it('a new subscribe replaces the topics', async () => {
    const h = hub();
    const { sink, connection } = connect(h, [{ kind: 'run', runId: 1 }]);
    connection.handle({ type: 'subscribe', topics: [{ kind: 'run', runId: 2 }] });
    h.publish(linesChange(1, 0, 1));
    h.publish(linesChange(2, 0, 1));
    await nextTurn();
    expect(sink.offsets(1)).toEqual([]);
    expect(sink.offsets(2)).toEqual([0]);
  });
});

describe('coalescing', () => {
  it('merges changes of one turn into one frame: latest run and step state, every line in order', async () => {
    const metrics = createMetrics();
    const h = hub({ metrics: metrics.live });
    const { sink } = connect(h, [{ kind: 'run', runId: 7 }]);
    for (let i = 0; i < 5; i++) {
      h.publish(
        change({
          runs: [runRow(7, { logCount: i + 1 })],
          steps: [stepRow(7, 'load', { progressDone: i + 1, progressTotal: 5 })],
          logs: [logRow(7, i * 100)],
        }),
      );
    }
    await nextTurn();
    const batches = sink.batches();
    expect(batches).toHaveLength(1);
    const runs = batches[0]?.messages.find((m) => m.type === 'runs');
    const steps = batches[0]?.messages.find((m) => m.type === 'steps');
    expect(runs?.type === 'runs' && runs.runs.map((r) => r.logCount)).toEqual([5]);
    expect(steps?.type === 'steps' && steps.steps.map((s) => s.progress)).toEqual([{ done: 5, total: 5 }]);
    expect(sink.offsets(7)).toEqual([0, 100, 200, 300, 400]);
    expect(batches[0]?.cursor).toBe(h.cursor);
    // 4 replaced run states + 4 replaced step states.
    expect(await counter(metrics, 'runboard_live_coalesced_total')).toBe(8);
  });

  it('keeps pushing each change promptly when changes arrive one per turn', async () => {
    const h = hub();
    const { sink } = connect(h, [{ kind: 'run', runId: 1 }]);
    for (let i = 0; i < 3; i++) {
      h.publish(linesChange(1, i * 100, 1));
      await nextTurn();
      expect(sink.offsets(1)).toHaveLength(i + 1);
    }
  });

  it('sends a lone change after a quiet spell on the next turn, with pacing on', async () => {
    const h = hub({ minFrameIntervalMs: 10 });
    const { sink } = connect(h, [{ kind: 'run', runId: 1 }]);
    h.publish(linesChange(1, 0, 1));
    await nextTurn();
    expect(sink.offsets(1)).toEqual([0]);
  });

  it('paces a fast stream to one frame per interval, coalesced, nothing lost', async () => {
    const metrics = createMetrics();
    const h = hub({ minFrameIntervalMs: 1000, metrics: metrics.live });
    const { sink } = connect(h, [{ kind: 'overview' }, { kind: 'run', runId: 1 }]);
    h.publish(linesChange(1, 0, 1, 1));
    await nextTurn();
    expect(sink.batches()).toHaveLength(1);
    h.publish(linesChange(1, 100, 1, 2));
    await nextTurn();
    h.publish(linesChange(1, 200, 1, 3));
    await nextTurn();
    expect(sink.batches()).toHaveLength(1); // within the interval: held and coalesced
    await waitFor(() => sink.batches().length === 2, 'the paced frame');
    const runs = sink.batches()[1]?.messages.find((m) => m.type === 'runs');
    expect(runs?.type === 'runs' && runs.runs.map((r) => r.logCount)).toEqual([3]);
    expect(sink.offsets(1)).toEqual([0, 100, 200]);
    expect(sink.batches()[1]?.cursor).toBe(h.cursor);
  });

  it('cuts frames at change boundaries once a frame holds maxLinesPerFrame lines', async () => {
    const h = hub({ maxLinesPerFrame: 20 });
    const { sink } = connect(h, [{ kind: 'run', runId: 1 }]);
    const first = h.cursor;
    for (let i = 0; i < 5; i++) h.publish(linesChange(1, i * 1000, 10));
    await nextTurn();
    expect(sink.batches().map((b) => b.cursor)).toEqual([first + 2, first + 4, first + 5]);
    expect(sink.offsets(1)).toHaveLength(50);
  });
});

describe('resume', () => {
  it('a client resuming from its last cursor gets exactly what it missed', async () => {
    const h = hub();
    const a = connect(h, [{ kind: 'run', runId: 1 }]);
    h.publish(linesChange(1, 0, 3));
    await nextTurn();
    const cursor = a.sink.lastCursor();
    a.connection.disconnect();
    h.publish(linesChange(1, 300, 2));
    h.publish(linesChange(2, 0, 2)); // another run: not for this client
    h.publish(linesChange(1, 500, 1));

    const b = connect(h, [{ kind: 'run', runId: 1 }], cursor, h.epoch);
    expect(b.sink.messages[0]).toEqual({ type: 'hello', cursor, resumed: true, epoch: h.epoch });
    await nextTurn();
    expect(b.sink.offsets(1)).toEqual([300, 400, 500]);
    expect(b.sink.lastCursor()).toBe(h.cursor);
    expect([...a.sink.offsets(1), ...b.sink.offsets(1)]).toEqual([0, 100, 200, 300, 400, 500]);
  });

  it('resuming at the current cursor sends nothing but hello', async () => {
    const h = hub();
    h.publish(linesChange(1, 0, 1));
    const { sink } = connect(h, [{ kind: 'run', runId: 1 }], h.cursor, h.epoch);
    await nextTurn();
    expect(sink.messages).toEqual([{ type: 'hello', cursor: h.cursor, resumed: true, epoch: h.epoch }]);
  });

  it('randomised cuts and reconnects: every line exactly once, in order', async () => {
    const seed = Number(process.env.LIVE_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`live resume seed=${seed} (replay with LIVE_SEED=${seed})`);
    const random = seededRandom(seed);
    const h = hub({ maxLinesPerFrame: 7 });
    const topics: LiveTopic[] = [
      { kind: 'run', runId: 1 },
      { kind: 'run', runId: 2 },
    ];
    const nextOffset = new Map<number, number>([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    const published = new Map<number, number[]>([
      [1, []],
      [2, []],
    ]);
    const received = new Map<number, number[]>([
      [1, []],
      [2, []],
    ]);
    let current = connect(h, topics);
    const harvest = () => {
      for (const runId of [1, 2]) received.get(runId)?.push(...current.sink.offsets(runId));
    };
    for (let step = 0; step < 400; step++) {
      const roll = random();
      if (roll < 0.6) {
        const runId = 1 + Math.floor(random() * 3);
        const count = 1 + Math.floor(random() * 6);
        const from = nextOffset.get(runId) ?? 0;
        h.publish(linesChange(runId, from, count));
        nextOffset.set(runId, from + count * 100);
        for (let i = 0; i < count; i++) published.get(runId)?.push(from + i * 100);
      } else if (roll < 0.85) {
        await nextTurn();
      } else {
        // The connection is cut after a random number of further frames, then the client comes back.
        current.sink.cutAfter = current.sink.messages.length + Math.floor(random() * 3);
        if (random() < 0.5) await nextTurn();
        harvest();
        const since = current.sink.lastCursor();
        current.connection.disconnect();
        current = connect(h, topics, since, h.epoch);
        expect(current.sink.messages[0]?.type).toBe('hello');
      }
    }
    await nextTurn();
    harvest();
    expect(received.get(1)).toEqual(published.get(1));
    expect(received.get(2)).toEqual(published.get(2));
  });
});

describe('refetch', () => {
  it('asks a client too far behind to refetch, and keeps its subscription live from there', async () => {
    const h = hub({ ringMaxChanges: 5 });
    const start = h.cursor;
    for (let i = 0; i < 10; i++) h.publish(linesChange(1, i * 100, 1));
    const { sink } = connect(h, [{ kind: 'run', runId: 1 }], start, h.epoch);
    expect(sink.messages).toEqual([{ type: 'refetch', cursor: h.cursor, reason: 'too far behind', epoch: h.epoch }]);
    h.publish(linesChange(1, 1000, 1));
    await nextTurn();
    expect(sink.offsets(1)).toEqual([1000]);
  });

  it('resumes from the oldest change the ring still holds', async () => {
    const h = hub({ ringMaxChanges: 5 });
    for (let i = 0; i < 10; i++) h.publish(linesChange(1, i * 100, 1));
    const { sink } = connect(h, [{ kind: 'run', runId: 1 }], h.cursor - 5, h.epoch);
    await nextTurn();
    expect(sink.offsets(1)).toEqual([500, 600, 700, 800, 900]);
  });

  it('bounds the ring by log lines too', async () => {
    const h = hub({ ringMaxLines: 10 });
    const start = h.cursor;
    for (let i = 0; i < 4; i++) h.publish(linesChange(1, i * 1000, 4));
    expect(connect(h, [{ kind: 'run', runId: 1 }], start, h.epoch).sink.messages[0]?.type).toBe('refetch');
    const { sink } = connect(h, [{ kind: 'run', runId: 1 }], h.cursor - 2, h.epoch);
    await nextTurn();
    expect(sink.offsets(1)).toHaveLength(8);
  });

  it('refuses cursors from the future and from another server process', async () => {
    const h = hub();
    h.publish(linesChange(1, 0, 1));
    const future = connect(h, [{ kind: 'run', runId: 1 }], h.cursor + 1, h.epoch).sink.messages[0];
    expect(future).toMatchObject({ type: 'refetch', reason: 'unknown cursor' });
    const other = connect(h, [{ kind: 'run', runId: 1 }], h.cursor - 1, 'another-epoch').sink.messages[0];
    expect(other).toMatchObject({ type: 'refetch', reason: 'server restarted' });
    // A cursor from an earlier process, sent without its epoch, is below a later process's cursors.
    const startedAt = Date.now();
    await waitFor(() => Date.now() > startedAt + 1, 'the clock to move on');
    const restarted = hub();
    restarted.publish(linesChange(1, 100, 1));
    expect(connect(restarted, [], h.cursor).sink.messages[0]).toMatchObject({ type: 'refetch' });
  });
});

describe('backpressure', () => {
  it('holds a congested client, keeps its latest states, and tells it which lines it skipped', async () => {
    const metrics = createMetrics();
    const h = hub({ highWaterBytes: 1000, recheckMs: 5, metrics: metrics.live });
    const slow = connect(h, [{ kind: 'run', runId: 1 }]).sink;
    const fast = connect(h, [{ kind: 'run', runId: 1 }]).sink;
    slow.buffered = 5000;

    h.publish(linesChange(1, 0, 3, 3)); // offsets 0..200
    h.publish(linesChange(1, 300, 2, 5)); // 300, 400
    await nextTurn();
    expect(slow.batches()).toHaveLength(0);
    expect(fast.offsets(1)).toEqual([0, 100, 200, 300, 400]);
    h.publish(linesChange(1, 500, 1, 6)); // dropped on arrival: the client is known to be congested
    await nextTurn();
    expect(fast.offsets(1)).toHaveLength(6);

    slow.buffered = 0;
    await waitFor(() => slow.batches().length > 0, 'the slow client to get its frame once drained');
    const messages = slow.data();
    expect(messages.map((m) => m.type)).toEqual(['runs', 'skipped']);
    expect(messages[0]?.type === 'runs' && messages[0].runs[0]?.logCount).toBe(6);
    expect(messages[1]).toMatchObject({ type: 'skipped', runId: 1, count: 6, afterOffset: -1, beforeOffset: 501 });
    expect(await counter(metrics, 'runboard_live_dropped_total')).toBe(6);

    h.publish(linesChange(1, 600, 1, 7));
    await nextTurn();
    expect(slow.offsets(1)).toEqual([600]);
  });

  it('a skipped range comes before newer lines of the same run in one batch', async () => {
    const h = hub({ highWaterBytes: 1000, recheckMs: 1000 });
    const { sink } = connect(h, [{ kind: 'run', runId: 1 }]);
    sink.buffered = 5000;
    h.publish(linesChange(1, 0, 2));
    await nextTurn(); // marked congested, lines 0 and 100 skipped
    sink.buffered = 0;
    h.publish(linesChange(1, 200, 1));
    await nextTurn();
    // Still marked congested when 200 arrived, so it joins the skipped range; the flush finds the buffer drained.
    await waitFor(() => sink.batches().length > 0, 'the flush after the drain');
    expect(sink.data().filter((m) => m.type === 'skipped')).toEqual([
      expect.objectContaining({ count: 3, afterOffset: -1, beforeOffset: 201 }),
    ]);
    h.publish(linesChange(1, 300, 1));
    await nextTurn();
    expect(sink.offsets(1)).toEqual([300]);
  });

  it('closes a client stuck over the bound longer than the stall timeout with 4008', async () => {
    let clock = 0;
    const h = hub({ highWaterBytes: 1000, stallTimeoutMs: 1000, recheckMs: 2, now: () => clock });
    const stuck = connect(h, [{ kind: 'overview' }]).sink;
    const other = connect(h, [{ kind: 'overview' }]).sink;
    stuck.buffered = 10_000;
    h.publish(linesChange(1, 0, 1));
    await nextTurn();
    clock = 999;
    await waitFor(() => other.batches().length === 1, 'the other client to get its frame');
    expect(stuck.closedWith).toBeNull();
    clock = 1001;
    await waitFor(() => stuck.closedWith !== null, 'the stuck client to be closed');
    expect(stuck.closedWith).toEqual({ code: CLOSE_TOO_SLOW, reason: 'client too slow' });
    expect(h.clientCount).toBe(1);
  });

  it('a congested client whose error backlog overflows gets refetch once it drains', async () => {
    const h = hub({ highWaterBytes: 1000, recheckMs: 2, maxPendingErrors: 3 });
    const { sink } = connect(h, [{ kind: 'errors' }]);
    sink.buffered = 5000;
    h.publish(change({ errors: [errorRow(1, 0)] }));
    await nextTurn();
    for (let i = 1; i <= 4; i++) h.publish(change({ errors: [errorRow(1, i * 100)] }));
    sink.buffered = 0;
    await waitFor(() => sink.messages.length > 1, 'the drained client to be told');
    expect(sink.messages[1]).toMatchObject({ type: 'refetch', cursor: h.cursor });
    h.publish(change({ errors: [errorRow(1, 900)] }));
    await nextTurn();
    expect(sink.data()).toEqual([expect.objectContaining({ type: 'errors' })]);
  });
});

describe('lifecycle', () => {
  it('closes every client with 1001 on close, and counts clients', async () => {
    const metrics = createMetrics();
    const h = hub({ metrics: metrics.live });
    const a = connect(h, []);
    const b = connect(h, []);
    expect(await counter(metrics, 'runboard_live_clients')).toBe(2);
    a.connection.disconnect();
    expect(await counter(metrics, 'runboard_live_clients')).toBe(1);
    h.close();
    expect(b.sink.closedWith).toEqual({ code: CLOSE_GOING_AWAY, reason: 'server shutting down' });
    expect(await counter(metrics, 'runboard_live_clients')).toBe(0);
  });

  it('moves an idle client cursor forward with an empty batch so a later resume stays inside the ring', async () => {
    let clock = 0;
    const h = hub({ cursorTickMs: 100, now: () => clock });
    const { sink } = connect(h, [{ kind: 'run', runId: 1 }]);
    h.publish(linesChange(2, 0, 1)); // not this client's run
    await nextTurn();
    expect(sink.batches()).toHaveLength(0);
    clock = 200;
    await waitFor(() => sink.batches().length === 1, 'the cursor tick');
    expect(sink.batches()[0]).toEqual({ type: 'batch', cursor: h.cursor, messages: [] });
  });

  it('sends an idle client an empty batch every tick even when nothing changed (a heartbeat browsers can see)', async () => {
    let clock = 0;
    const h = hub({ cursorTickMs: 100, now: () => clock });
    const { sink } = connect(h, [{ kind: 'overview' }]);
    await nextTurn();
    const before = sink.batches().length;
    clock = 150;
    await waitFor(() => sink.batches().length === before + 1, 'the first heartbeat');
    clock = 300;
    await waitFor(() => sink.batches().length === before + 2, 'the second heartbeat');
    expect(sink.batches().at(-1)).toEqual({ type: 'batch', cursor: h.cursor, messages: [] });
    h.close();
  });
});
