// The live socket: one WebSocket to /api/live shared by every view, reconnecting with backoff and resuming
// from the last batch cursor (+ epoch). DOM-free (the socket constructor is injected) so it runs under node in
// tests with the `ws` package against the real server.
import type { LiveDataMessage, LiveServerMessage, LiveTopic } from '../shared/api.js';
import {
  backoffDelay,
  foldConnection,
  helloNeedsResync,
  initialConnection,
  type ConnectionEvent,
  type ConnectionModel,
} from './live-state.js';

/** Method-style, so a handler typed for the DOM's richer event (MessageEvent, CloseEvent) fits. */
type Handler<E> = { bivariant(event: E): void }['bivariant'];

/** The part of the browser's WebSocket this client uses (the `ws` package's WebSocket fits too). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}

export type SocketFactory = (url: string) => SocketLike;

export type ResyncReason = 'fresh' | 'refetch';

export interface LiveSubscriber {
  topics: readonly LiveTopic[];
  /** One batch: apply its messages together. Subscribers pick what concerns them. */
  onBatch(messages: readonly LiveDataMessage[]): void;
  /**
   * Reload by REST: the stream starts fresh at the server's head (`fresh`), or could not resume after a
   * restart or a backlog (`refetch`). Either way, later batches continue from there.
   */
  onResync(reason: ResyncReason): void;
}

export interface LiveClientOptions {
  url: string;
  createSocket: SocketFactory;
  now?: () => number;
  random?: () => number;
  /** Give up on a socket that opened but got no hello in this time. */
  helloTimeoutMs?: number;
  /**
   * Give up on a live socket that sent nothing for this long. The server sends an empty batch to idle clients
   * every 5 s, so silence means a dead connection (which a browser, unable to see ws pings, would not notice).
   */
  silenceTimeoutMs?: number;
  /** Where protocol complaints (`error` frames) go. */
  warn?: (message: string) => void;
}

const OPEN = 1;

/** Parses one frame; null for anything that is not a server message we know. */
export function parseServerMessage(data: unknown): LiveServerMessage | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  switch (record.type) {
    case 'hello':
      return typeof record.cursor === 'number' &&
        typeof record.resumed === 'boolean' &&
        typeof record.epoch === 'string'
        ? (value as LiveServerMessage)
        : null;
    case 'batch':
      return typeof record.cursor === 'number' && Array.isArray(record.messages) ? (value as LiveServerMessage) : null;
    case 'refetch':
      return typeof record.cursor === 'number' && typeof record.epoch === 'string'
        ? (value as LiveServerMessage)
        : null;
    case 'error':
      return typeof record.message === 'string' ? (value as LiveServerMessage) : null;
    default:
      return null;
  }
}

function topicKey(topic: LiveTopic): string {
  switch (topic.kind) {
    case 'run':
      return `run:${topic.runId}`;
    case 'overview':
    case 'errors':
      return `${topic.kind}:${topic.club ?? '*'}`;
  }
}

/** The union of every subscriber's topics, deduplicated; a topic for all clubs covers its per-club variants. */
export function unionTopics(lists: Iterable<readonly LiveTopic[]>): LiveTopic[] {
  const all = new Map<string, LiveTopic>();
  for (const list of lists) for (const topic of list) all.set(topicKey(topic), topic);
  for (const kind of ['overview', 'errors'] as const) {
    if (!all.has(`${kind}:*`)) continue;
    for (const key of [...all.keys()]) if (key.startsWith(`${kind}:`) && key !== `${kind}:*`) all.delete(key);
  }
  return [...all.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, topic]) => topic);
}

export class LiveClient {
  private readonly options: Required<LiveClientOptions>;
  private model: ConnectionModel;
  private socket: SocketLike | null = null;
  private readonly subscribers = new Set<LiveSubscriber>();
  private readonly stateListeners = new Set<(model: ConnectionModel) => void>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private helloTimer: ReturnType<typeof setTimeout> | null = null;
  private silenceTimer: ReturnType<typeof setTimeout> | null = null;
  /** Topics of the last subscribe sent on the current socket. */
  private sentTopicsKey: string | null = null;
  private resubscribeQueued = false;
  private running = false;

  constructor(options: LiveClientOptions) {
    this.options = {
      now: () => Date.now(),
      random: () => Math.random(),
      helloTimeoutMs: 10_000,
      silenceTimeoutMs: 20_000,
      warn: () => {},
      ...options,
    };
    this.model = initialConnection();
  }

  get connection(): ConnectionModel {
    return this.model;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000, 'client stopped');
    }
  }

  /** Register a view's topics; returns the unsubscribe function. */
  subscribe(subscriber: LiveSubscriber): () => void {
    this.subscribers.add(subscriber);
    this.queueResubscribe();
    return () => {
      this.subscribers.delete(subscriber);
      this.queueResubscribe();
    };
  }

  /** The listener gets the current state at once, then every change. */
  onState(listener: (model: ConnectionModel) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.model);
    return () => this.stateListeners.delete(listener);
  }

  /** Try now instead of waiting for the backoff (after a login, or when the browser is back online). */
  reconnectNow(): void {
    if (!this.running) return;
    this.clearRetry();
    if (this.socket) {
      // A socket that is not live yet may have been refused (401 before the login): start over.
      if (this.model.state !== 'live') this.socket.close(4000, 'reconnect');
      return;
    }
    this.connect();
  }

  setBrowserOnline(online: boolean): void {
    if (online) {
      this.fold({ type: 'browser-online', now: this.options.now() });
      this.reconnectNow();
    } else {
      this.fold({ type: 'browser-offline' });
    }
  }

  private fold(event: ConnectionEvent): void {
    const before = this.model;
    this.model = foldConnection(this.model, event);
    if (before.state !== this.model.state || before.failures !== this.model.failures) {
      for (const listener of [...this.stateListeners]) listener(this.model);
    }
  }

  private connect(): void {
    if (!this.running || this.socket) return;
    this.fold({ type: 'connect', now: this.options.now() });
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch {
      this.onSocketClosed();
      return;
    }
    this.socket = socket;
    this.sentTopicsKey = null;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.sendSubscribe();
      this.helloTimer = setTimeout(() => {
        if (this.socket === socket && this.model.state !== 'live') socket.close(4001, 'no hello');
      }, this.options.helloTimeoutMs);
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.armSilenceTimer(socket);
      const message = parseServerMessage(event.data);
      if (message) this.handleMessage(message);
    };
    socket.onerror = () => {
      // The close event follows and drives the retry.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.onSocketClosed();
    };
  }

  private onSocketClosed(): void {
    this.clearTimers();
    this.fold({ type: 'closed', now: this.options.now() });
    if (!this.running) return;
    const delay = backoffDelay(this.model.failures, this.options.random());
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private handleMessage(message: LiveServerMessage): void {
    switch (message.type) {
      case 'hello': {
        this.clearHelloTimer();
        this.fold({ type: 'hello', cursor: message.cursor, resumed: message.resumed, epoch: message.epoch });
        if (helloNeedsResync(message)) this.resyncAll('fresh');
        return;
      }
      case 'refetch':
        this.clearHelloTimer();
        this.fold({ type: 'refetch', cursor: message.cursor, epoch: message.epoch });
        this.resyncAll('refetch');
        return;
      case 'batch':
        this.fold({ type: 'batch', cursor: message.cursor });
        if (message.messages.length === 0) return; // an idle tick: only the cursor moves
        for (const subscriber of [...this.subscribers]) subscriber.onBatch(message.messages);
        return;
      case 'error':
        this.options.warn(`live socket: ${message.message}`);
        return;
    }
  }

  private resyncAll(reason: ResyncReason): void {
    for (const subscriber of [...this.subscribers]) subscriber.onResync(reason);
  }

  private currentTopics(): LiveTopic[] {
    return unionTopics([...this.subscribers].map((s) => s.topics));
  }

  /** Subscribe (or replace the topics), resuming from our cursor when we have one: nothing missed, nothing twice. */
  private sendSubscribe(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return;
    const topics = this.currentTopics();
    const { cursor, epoch } = this.model;
    this.sentTopicsKey = JSON.stringify(topics);
    const message =
      cursor === null || epoch === null
        ? { type: 'subscribe', topics }
        : { type: 'subscribe', topics, since: cursor, epoch };
    socket.send(JSON.stringify(message));
  }

  /** Topic changes from several views in one tick go out as one subscribe. */
  private queueResubscribe(): void {
    if (this.resubscribeQueued) return;
    this.resubscribeQueued = true;
    queueMicrotask(() => {
      this.resubscribeQueued = false;
      // Before the first subscribe on this socket the open handler sends the current topics.
      if (this.sentTopicsKey === null) return;
      if (JSON.stringify(this.currentTopics()) === this.sentTopicsKey) return;
      this.sendSubscribe();
    });
  }

  private armSilenceTimer(socket: SocketLike): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      this.silenceTimer = null;
      if (this.socket !== socket) return;
      // A dead connection may not finish a close handshake for minutes: drop it now and reconnect.
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      this.socket = null;
      socket.close(4002, 'silent');
      this.onSocketClosed();
    }, this.options.silenceTimeoutMs);
  }

  private clearHelloTimer(): void {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private clearTimers(): void {
    this.clearRetry();
    this.clearHelloTimer();
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
  }
}
