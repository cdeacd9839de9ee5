// The browser's live client, run in node with the `ws` WebSocket against a real runboard (in-process: real
// ingest, SQLite and socket): "live" only after hello, exact resume after a dropped connection, refetch after a
// server restart, topic changes without a reload.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LiveDataMessage, LiveTopic, LogLineView, Page, RunView } from '../shared/api.js';
import { LiveClient, parseServerMessage, unionTopics, type ResyncReason } from '../web/live-client.js';
import type { ConnectionState } from '../web/live-state.js';
import { startInProcessServer, type InProcessServer } from './support/in-process-server.js';
import { beginRun, waitFor } from './support/run-writer.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(): Promise<InProcessServer> {
  const s = await startInProcessServer();
  cleanups.push(() => s.close());
  return s;
}

function liveClient(url: string) {
  const sockets: WebSocket[] = [];
  const states: ConnectionState[] = [];
  const client = new LiveClient({
    url: `${url.replace(/^http/, 'ws')}/api/live`,
    createSocket: (u) => {
      const socket = new WebSocket(u);
      sockets.push(socket);
      return socket;
    },
    random: () => 0,
  });
  client.onState((model) => {
    if (states.at(-1) !== model.state) states.push(model.state);
  });
  cleanups.push(() => client.stop());
  return { client, sockets, states };
}

/** A subscriber that records log lines (by offset) and resyncs. */
function recorder(topics: LiveTopic[]) {
  const lines: LogLineView[] = [];
  const resyncs: ResyncReason[] = [];
  const batches: LiveDataMessage[][] = [];
  return {
    lines,
    resyncs,
    batches,
    subscriber: {
      topics,
      onBatch: (messages: readonly LiveDataMessage[]) => {
        batches.push([...messages]);
        for (const m of messages) if (m.type === 'logs') lines.push(...m.lines);
      },
      onResync: (reason: ResyncReason) => resyncs.push(reason),
    },
  };
}

async function runIdOf(url: string, pipeline: string): Promise<number> {
  return waitFor(`run of ${pipeline}`, async () => {
    const response = await fetch(`${url}/api/runs?pipeline=${pipeline}`);
    return ((await response.json()) as Page<RunView>).items[0]?.id;
  });
}

describe('live client against the real server', () => {
  it('is live only after the hello, then streams a run’s lines in order', async () => {
    const s = await server();
    const run = beginRun(s.runsDir, 'c', 'stream');
    run.log.info('line 0');
    const runId = await runIdOf(s.url, 'stream');
    const { client, states } = liveClient(s.url);
    const rec = recorder([{ kind: 'run', runId }]);
    client.subscribe(rec.subscriber);
    expect(client.connection.state).toBe('connecting');
    client.start();
    await waitFor('live', () => client.connection.state === 'live');
    expect(states).toEqual(['connecting', 'live']);
    // A fresh stream: the view must load by REST once.
    expect(rec.resyncs).toEqual(['fresh']);
    for (let i = 1; i <= 50; i++) run.log.info(`line ${i}`);
    await waitFor(
      '50 lines',
      () => rec.lines.filter((l) => l.msg?.startsWith('line ') && l.msg !== 'line 0').length === 50,
    );
    const numbers = rec.lines.map((l) => l.msg).filter((m) => m !== 'line 0');
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i + 1}`));
    await run.end({});
  });

  it('resumes exactly after a dropped connection: nothing missed, nothing twice, no reload', async () => {
    const s = await server();
    const run = beginRun(s.runsDir, 'c', 'resume');
    const runId = await runIdOf(s.url, 'resume');
    const { client, sockets, states } = liveClient(s.url);
    const rec = recorder([{ kind: 'run', runId }]);
    client.subscribe(rec.subscriber);
    client.start();
    await waitFor('live', () => client.connection.state === 'live');
    for (let i = 1; i <= 20; i++) run.log.info(`line ${i}`);
    await waitFor('first 20', () => rec.lines.some((l) => l.msg === 'line 20'));

    sockets.at(-1)!.terminate(); // the network drops
    await waitFor('not live', () => client.connection.state !== 'live');
    for (let i = 21; i <= 40; i++) run.log.info(`line ${i}`);
    await waitFor('live again', () => client.connection.state === 'live');
    for (let i = 41; i <= 50; i++) run.log.info(`line ${i}`);
    await waitFor('all 50', () => rec.lines.some((l) => l.msg === 'line 50'));

    const offsets = rec.lines.map((l) => l.offset);
    expect(new Set(offsets).size).toBe(offsets.length);
    const messages = rec.lines.map((l) => l.msg).filter((m) => m?.startsWith('line '));
    expect(messages).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i + 1}`));
    expect(rec.resyncs).toEqual(['fresh']); // only the first connection's
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    await run.end({});
  });

  it('after a server restart, asks the views to refetch and goes on live', async () => {
    const first = await startInProcessServer();
    const port = new URL(first.url).port;
    const { client, states } = liveClient(first.url);
    const rec = recorder([{ kind: 'overview' }]);
    client.subscribe(rec.subscriber);
    client.start();
    await waitFor('live', () => client.connection.state === 'live');
    const epoch = client.connection.epoch;
    await first.close();
    await waitFor('not live', () => client.connection.state !== 'live');

    const second = await startInProcessServer({ port: Number(port) });
    cleanups.push(() => second.close());
    await waitFor('live on the new process', () => client.connection.state === 'live', 30_000);
    expect(client.connection.epoch).not.toBe(epoch);
    expect(rec.resyncs).toEqual(['fresh', 'refetch']);
    expect(states[0]).toBe('connecting');
    expect(states.at(-1)).toBe('live');
    expect(states).toContain('reconnecting');

    // And it is really live: a new run's state arrives.
    const run = beginRun(second.runsDir, 'c', 'after-restart');
    await waitFor('the new run', () =>
      rec.batches.some((b) => b.some((m) => m.type === 'runs' && m.runs.some((r) => r.pipeline === 'after-restart'))),
    );
    await run.end({});
  });

  it('changes topics on the open socket without a reload', async () => {
    const s = await server();
    const { client, sockets } = liveClient(s.url);
    const overview = recorder([{ kind: 'overview' }]);
    client.subscribe(overview.subscriber);
    client.start();
    await waitFor('live', () => client.connection.state === 'live');
    const run = beginRun(s.runsDir, 'c', 'topics');
    const runId = await runIdOf(s.url, 'topics');
    const runView = recorder([{ kind: 'run', runId }]);
    const unsubscribe = client.subscribe(runView.subscriber);
    run.log.info('for the run page');
    await waitFor('the run topic', () => runView.lines.some((l) => l.msg === 'for the run page'));
    expect(sockets).toHaveLength(1);
    expect(overview.resyncs).toEqual(['fresh']);
    expect(runView.resyncs).toEqual([]);
    unsubscribe();
    await run.end({});
  });
});

describe('live client against a server that goes silent', () => {
  it('drops a connection that stops talking without closing, and reconnects', async () => {
    // A real WebSocket server that says hello once and then never speaks (nor closes): a silently dead link.
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    let connections = 0;
    wss.on('connection', (ws) => {
      connections++;
      ws.send(JSON.stringify({ type: 'hello', cursor: 1, resumed: false, epoch: 'e1' }));
    });
    const { port } = wss.address() as { port: number };
    const states: ConnectionState[] = [];
    const client = new LiveClient({
      url: `ws://127.0.0.1:${port}/api/live`,
      createSocket: (u) => new WebSocket(u),
      random: () => 0,
      silenceTimeoutMs: 300,
    });
    client.onState((model) => {
      if (states.at(-1) !== model.state) states.push(model.state);
    });
    cleanups.push(() => client.stop());
    client.subscribe(recorder([{ kind: 'overview' }]).subscriber);
    client.start();
    await waitFor('live after hello', () => states.includes('live'));
    await waitFor('a reconnect after the silence', () => connections >= 2);
    expect(states.slice(states.indexOf('live'))).toContain('reconnecting');
  });
});

describe('live client helpers', () => {
  it('parses only well-formed server frames', () => {
    expect(parseServerMessage('{"type":"hello","cursor":1,"resumed":false,"epoch":"e"}')).toMatchObject({
      type: 'hello',
    });
    expect(parseServerMessage('{"type":"batch","cursor":2,"messages":[]}')).toMatchObject({ type: 'batch' });
    expect(parseServerMessage('{"type":"error","message":"x"}')).toMatchObject({ type: 'error' });
    for (const junk of [
      '',
      'nope',
      '[]',
      'null',
      '{"type":"hello"}',
      '{"type":"batch","cursor":1}',
      '{"type":"x","cursor":1}',
    ])
      expect(parseServerMessage(junk)).toBeNull();
    expect(parseServerMessage(Buffer.from('{}'))).toBeNull();
  });

  it('merges topics: a topic for all clubs covers the per-club ones', () => {
    expect(
      unionTopics([
        [
          { kind: 'overview', club: 'a' },
          { kind: 'run', runId: 2 },
        ],
        [{ kind: 'overview' }, { kind: 'run', runId: 2 }, { kind: 'errors', club: 'b' }],
      ]),
    ).toEqual([{ kind: 'errors', club: 'b' }, { kind: 'overview' }, { kind: 'run', runId: 2 }]);
  });
});
