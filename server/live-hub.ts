// The live hub: committed ingest changes in, per-client coalesced frames out. No sockets here (a LiveSink is
// anything with send/bufferedAmount/close), so every rule below is unit-tested without a network.
//
// - Each change gets the next cursor; a bounded ring of recent changes serves resumes exactly, or says refetch.
// - Frames go out on setImmediate after a publish, so a lone change is not held back; bursts in one tick
//   coalesce, and a client fed a fast stream gets at most one frame per `minFrameIntervalMs`.
// - A client whose send buffer is over `highWaterBytes` gets nothing more until it drains; meanwhile its
//   pending states coalesce and its log lines become skipped ranges, so it costs O(runs) memory and never
//   slows ingest or other clients. Over the bound for `stallTimeoutMs`, it is closed with 4008.
import { randomUUID } from 'node:crypto';
import type { LiveClientMessage, LiveServerMessage } from '../shared/api.js';
import { entryFromChange, entryFromHealth, type HubEntry } from './live-entry.js';
import { PendingFrame } from './live-frame.js';
import { ResumeRing } from './live-ring.js';
import { fillFrame, subscriptionOf, type Subscription } from './live-subscription.js';
import {
  CLOSE_GOING_AWAY,
  CLOSE_TOO_SLOW,
  type LiveConnection,
  type LiveHub,
  type LiveHubOptions,
  type LiveSink,
} from './live-hub-contract.js';

export { CLOSE_GOING_AWAY, CLOSE_TOO_SLOW };
export type { LiveConnection, LiveHub, LiveHubOptions, LiveSink };

interface Client {
  sink: LiveSink;
  sub: Subscription | null;
  /** Oldest first; the last one is open, the others were sealed at a change boundary when they grew large. */
  queue: PendingFrame[];
  pendingErrors: number;
  congestedSince: number | null;
  /** Set when a congested client's backlog overflowed: it gets `refetch` instead of data once it drains. */
  refetchReason: string | null;
  lastSentCursor: number;
  lastSentAt: number;
  /** performance.now() of the last data frame, for pacing. */
  lastFrameAt: number;
  closed: boolean;
}

export function createLiveHub(options: LiveHubOptions = {}): LiveHub {
  const ringMaxChanges = options.ringMaxChanges ?? 10_000;
  const ringMaxLines = options.ringMaxLines ?? 50_000;
  const highWaterBytes = options.highWaterBytes ?? 1024 * 1024;
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  const maxLinesPerFrame = options.maxLinesPerFrame ?? 2_000;
  const maxPendingErrors = options.maxPendingErrors ?? 1_000;
  const cursorTickMs = options.cursorTickMs ?? 5_000;
  const recheckMs = options.recheckMs ?? 25;
  const minFrameIntervalMs = options.minFrameIntervalMs ?? 10;
  const metrics = options.metrics;
  const now = options.now ?? Date.now;

  // Cursors start at the start time in µs: a cursor from an earlier process is below this ring and asks for a
  // refetch instead of resuming into unrelated changes (the epoch check covers a clock set back).
  let cursor = Date.now() * 1000;
  const epoch = randomUUID();
  const ring = new ResumeRing(ringMaxChanges, ringMaxLines);
  const clients = new Set<Client>();
  const dirty = new Set<Client>();
  let flushScheduled = false;
  let recheckTimer: NodeJS.Timeout | null = null;
  /** Dirty clients waiting for their frame interval to pass. */
  const paced = new Set<Client>();
  let pacingTimer: NodeJS.Timeout | null = null;
  let closed = false;
  const tickTimer = setInterval(tickIdleClients, Math.max(100, Math.floor(cursorTickMs / 2)));
  tickTimer.unref();

  function sendRaw(client: Client, message: LiveServerMessage): void {
    try {
      client.sink.send(JSON.stringify(message));
    } catch {
      // A socket that died between checks: its close handler will disconnect it.
    }
  }

  /** Drops a client from every structure; false when it was already gone. */
  function forget(client: Client): boolean {
    if (client.closed) return false;
    client.closed = true;
    clients.delete(client);
    dirty.delete(client);
    paced.delete(client);
    metrics?.clients.set(clients.size);
    return true;
  }

  function closeClient(client: Client, code: number, reason: string): void {
    if (!forget(client)) return;
    try {
      client.sink.close(code, reason);
    } catch {
      // Already gone.
    }
  }

  function openFrame(client: Client): PendingFrame {
    let frame = client.queue[client.queue.length - 1];
    if (!frame || frame.lineCount >= maxLinesPerFrame) {
      frame = new PendingFrame();
      client.queue.push(frame);
    }
    return frame;
  }

  function enqueue(client: Client, entry: HubEntry): void {
    if (!client.sub || client.refetchReason !== null) return;
    const congested = client.congestedSince !== null;
    const frame = openFrame(client);
    const result = fillFrame(frame, entry, client.sub, congested);
    if (result.coalesced > 0) metrics?.coalesced.inc(result.coalesced);
    if (result.dropped > 0) metrics?.dropped.inc(result.dropped);
    if (congested && result.errors > 0) {
      client.pendingErrors += result.errors;
      if (client.pendingErrors > maxPendingErrors) {
        // Errors are never silently dropped: past the bound the client must refetch them all.
        client.refetchReason = 'backlog overflowed while the client was slow';
        client.queue = [];
        client.pendingErrors = 0;
      }
    }
    dirty.add(client);
  }

  function collapse(client: Client): void {
    const [first, ...rest] = client.queue;
    if (!first) return;
    let dropped = first.dropLogs();
    for (const later of rest) dropped += first.absorbDroppingLogs(later);
    client.queue = [first];
    if (dropped > 0) metrics?.dropped.inc(dropped);
  }

  function markCongested(client: Client): void {
    if (client.congestedSince === null) client.congestedSince = now();
    collapse(client);
    scheduleRecheck();
  }

  function flushClient(client: Client): void {
    if (client.closed) return;
    if (client.sink.bufferedAmount() > highWaterBytes) {
      markCongested(client);
      if (now() - (client.congestedSince ?? now()) > stallTimeoutMs) {
        closeClient(client, CLOSE_TOO_SLOW, 'client too slow');
      }
      return;
    }
    client.congestedSince = null;
    if (client.refetchReason !== null) {
      sendRaw(client, { type: 'refetch', cursor, reason: client.refetchReason, epoch });
      client.refetchReason = null;
      client.lastSentCursor = cursor;
      client.lastSentAt = now();
      client.queue = [];
      return;
    }
    client.pendingErrors = 0;
    while (client.queue.length > 0) {
      const frame = client.queue.shift() as PendingFrame;
      if (frame.isEmpty()) continue;
      sendRaw(client, frame.toMessage());
      client.lastSentCursor = frame.cursor;
      client.lastSentAt = now();
      client.lastFrameAt = performance.now();
      if (client.queue.length > 0 && client.sink.bufferedAmount() > highWaterBytes) {
        markCongested(client);
        return;
      }
    }
  }

  function flushDirty(): void {
    flushScheduled = false;
    const t = performance.now();
    let soonest = Number.POSITIVE_INFINITY;
    const batch = [...dirty];
    dirty.clear();
    for (const client of batch) {
      const wait = client.lastFrameAt + minFrameIntervalMs - t;
      if (wait > 0 && client.congestedSince === null) {
        paced.add(client);
        soonest = Math.min(soonest, wait);
      } else {
        paced.delete(client);
        flushClient(client);
      }
    }
    if (soonest !== Number.POSITIVE_INFINITY) schedulePacing(soonest);
  }

  function schedulePacing(waitMs: number): void {
    if (pacingTimer || closed) return;
    pacingTimer = setTimeout(
      () => {
        pacingTimer = null;
        // Their interval has passed (or nearly: timers are coarse): back through the normal path.
        for (const client of paced) {
          client.lastFrameAt = Number.NEGATIVE_INFINITY;
          dirty.add(client);
        }
        paced.clear();
        flushDirty();
      },
      Math.max(1, Math.ceil(waitMs)),
    );
    pacingTimer.unref();
  }

  function scheduleFlush(): void {
    if (flushScheduled || closed) return;
    flushScheduled = true;
    setImmediate(flushDirty);
  }

  function scheduleRecheck(): void {
    if (recheckTimer || closed) return;
    recheckTimer = setTimeout(() => {
      recheckTimer = null;
      let stillCongested = false;
      for (const client of clients) {
        if (client.congestedSince === null) continue;
        flushClient(client);
        if (client.congestedSince !== null && !client.closed) stillCongested = true;
      }
      if (stillCongested) scheduleRecheck();
    }, recheckMs);
    recheckTimer.unref();
  }

  /**
   * Keeps an idle client's cursor inside the ring, so a reconnect after a quiet spell resumes, not refetches.
   * Sent even when the cursor has not moved: it is also the heartbeat a browser can see (it cannot see ws pings),
   * so the UI can tell a silently dead connection from a quiet system.
   */
  function tickIdleClients(): void {
    const t = now();
    for (const client of clients) {
      if (!client.sub || client.congestedSince !== null || dirty.has(client) || paced.has(client)) continue;
      if (t - client.lastSentAt >= cursorTickMs) {
        sendRaw(client, { type: 'batch', cursor, messages: [] });
        client.lastSentCursor = cursor;
        client.lastSentAt = t;
        client.queue = [];
      }
    }
  }

  /** Why `since` cannot be resumed from, or null when the ring holds every change after it. */
  function resumeProblem(since: number, clientEpoch: string | undefined): string | null {
    if (clientEpoch !== undefined && clientEpoch !== epoch) return 'server restarted';
    return ring.resumeProblem(since, cursor);
  }

  function subscribe(client: Client, message: LiveClientMessage): void {
    client.sub = subscriptionOf(message.topics);
    client.queue = [];
    client.pendingErrors = 0;
    client.refetchReason = null;
    dirty.delete(client);
    paced.delete(client);
    const since = message.since;
    const problem = since === undefined ? null : resumeProblem(since, message.epoch);
    if (since === undefined || problem !== null) {
      sendRaw(
        client,
        problem === null
          ? { type: 'hello', cursor, resumed: false, epoch }
          : { type: 'refetch', cursor, reason: problem, epoch },
      );
      client.lastSentCursor = cursor;
      client.lastSentAt = now();
      return;
    }
    sendRaw(client, { type: 'hello', cursor: since, resumed: true, epoch });
    client.lastSentCursor = since;
    client.lastSentAt = now();
    if (ring.size === 0) return;
    for (const entry of ring.after(since)) enqueue(client, entry);
    flushClient(client);
  }

  function add(entry: HubEntry): void {
    ring.add(entry);
    for (const client of clients) enqueue(client, entry);
    if (dirty.size > 0) scheduleFlush();
  }

  return {
    get cursor() {
      return cursor;
    },
    epoch,
    get clientCount() {
      return clients.size;
    },
    publish(change) {
      if (closed) return;
      add(entryFromChange(++cursor, change));
    },
    publishHealth(health) {
      if (closed || health.length === 0) return;
      add(entryFromHealth(++cursor, health));
    },
    connect(sink) {
      const client: Client = {
        sink,
        sub: null,
        queue: [],
        pendingErrors: 0,
        congestedSince: null,
        refetchReason: null,
        lastSentCursor: cursor,
        lastSentAt: now(),
        lastFrameAt: Number.NEGATIVE_INFINITY,
        closed: false,
      };
      if (closed) {
        sink.close(CLOSE_GOING_AWAY, 'server shutting down');
        client.closed = true;
      } else {
        clients.add(client);
        metrics?.clients.set(clients.size);
      }
      return {
        handle(message) {
          if (!client.closed) subscribe(client, message);
        },
        disconnect() {
          forget(client);
        },
      };
    },
    close(code = CLOSE_GOING_AWAY, reason = 'server shutting down') {
      closed = true;
      clearInterval(tickTimer);
      if (recheckTimer) clearTimeout(recheckTimer);
      if (pacingTimer) clearTimeout(pacingTimer);
      recheckTimer = pacingTimer = null;
      paced.clear();
      for (const client of [...clients]) closeClient(client, code, reason);
    },
  };
}
