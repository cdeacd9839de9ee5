// The live socket for `runboard tail`: connects to /api/live with the bearer token, reconnects with backoff and
// resumes from the last batch cursor + epoch (the protocol in shared/api.ts, as web/live-client.ts speaks it).
// It only transports: what a hello, refetch or batch means for the output is follow.ts's business.
import WebSocket from 'ws';
import type { LiveServerMessage, LiveTopic } from '../../shared/api.js';

export interface LiveSocketHandlers {
  /** `resumed`: the server will send exactly what was missed since our cursor; otherwise reload by REST. */
  onHello(resumed: boolean): void;
  /** The server could not resume us (it restarted, or we fell behind): reload by REST; the stream goes on. */
  onRefetch(reason: string): void;
  onBatch(message: Extract<LiveServerMessage, { type: 'batch' }>): void;
  /** The connection dropped; a reconnect is scheduled. */
  onLost(reason: string): void;
  /** The server refused us for good (401, 403, 404 on the upgrade). */
  onRefused(reason: string): void;
}

export interface LiveSocketOptions {
  url: string;
  token: string | null;
  handlers: LiveSocketHandlers;
  /** The server sends an empty batch to an idle client every 5 s; this much silence means a dead connection. */
  silenceTimeoutMs?: number;
}

/** 0.25 s, 0.5 s, 1 s, 2 s, then every 4 s: a restarting daemon is back within seconds. */
export function reconnectDelayMs(failures: number): number {
  return Math.min(4000, 250 * 2 ** Math.max(0, failures - 1));
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function parseServerMessage(text: string): LiveServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (record.type === 'hello' || record.type === 'refetch' || record.type === 'batch') {
    if (typeof record.cursor !== 'number' || (record.type !== 'batch' && typeof record.epoch !== 'string')) return null;
    if (record.type === 'batch' && !Array.isArray(record.messages)) return null;
    return value as LiveServerMessage;
  }
  return record.type === 'error' && typeof record.message === 'string' ? (value as LiveServerMessage) : null;
}

export class LiveSocket {
  private socket: WebSocket | null = null;
  private topics: LiveTopic[] = [];
  private cursor: number | null = null;
  private epoch: string | null = null;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private silenceTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly silenceTimeoutMs: number;

  constructor(private readonly options: LiveSocketOptions) {
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? 20_000;
  }

  start(topics: LiveTopic[]): void {
    this.topics = topics;
    this.connect();
  }

  /**
   * Replace the topics. Sent with our cursor, so the server replays every change after it for the new topics too:
   * a run followed from now on misses nothing committed since the last batch we received.
   */
  setTopics(topics: LiveTopic[]): void {
    this.topics = topics;
    this.sendSubscribe();
  }

  /** Drop the connection now (a REST call failed: the state may have a hole; reconnecting resyncs). */
  drop(reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.removeAllListeners();
    socket.on('error', () => {});
    socket.terminate();
    this.scheduleReconnect(reason);
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.retryTimer = this.silenceTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.terminate();
    }
  }

  private connect(): void {
    if (this.stopped || this.socket) return;
    const socket = new WebSocket(this.options.url, {
      headers: this.options.token === null ? {} : { authorization: `Bearer ${this.options.token}` },
      handshakeTimeout: 10_000,
    });
    this.socket = socket;
    const handlers = this.options.handlers;
    socket.on('open', () => {
      this.armSilence(socket);
      this.sendSubscribe();
    });
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      if (status === 401 || status === 403 || status === 404) {
        this.stop();
        handlers.onRefused(`the live socket was refused: HTTP ${status}`);
      } else {
        this.lost(socket, `the live socket was answered with HTTP ${status}`);
      }
    });
    socket.on('message', (data, isBinary) => {
      if (this.socket !== socket || isBinary) return;
      this.armSilence(socket);
      const message = parseServerMessage(rawText(data));
      if (message === null) return;
      switch (message.type) {
        case 'hello':
          this.connected(message);
          handlers.onHello(message.resumed);
          return;
        case 'refetch':
          this.connected(message);
          handlers.onRefetch(message.reason);
          return;
        case 'batch':
          // Batches are whole: the last one received is exactly where to resume.
          this.cursor = message.cursor;
          if (message.messages.length > 0) handlers.onBatch(message);
          return;
        case 'error':
          process.stderr.write(`runboard tail: the server did not understand us: ${message.message}\n`);
          return;
      }
    });
    socket.on('error', (error) => this.lost(socket, error.message));
    socket.on('close', (code) => this.lost(socket, `closed (${code})`));
  }

  /** A hello or refetch: the connection is good again, and the server's cursor and epoch are where to resume. */
  private connected(message: { cursor: number; epoch: string }): void {
    this.failures = 0;
    this.cursor = message.cursor;
    this.epoch = message.epoch;
  }

  private lost(socket: WebSocket, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = null;
    socket.removeAllListeners();
    socket.on('error', () => {});
    socket.terminate();
    this.scheduleReconnect(reason);
  }

  private scheduleReconnect(reason: string): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
    if (this.stopped) return;
    this.failures++;
    this.options.handlers.onLost(reason);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, reconnectDelayMs(this.failures));
  }

  private sendSubscribe(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const resume = this.cursor !== null && this.epoch !== null ? { since: this.cursor, epoch: this.epoch } : {};
    socket.send(JSON.stringify({ type: 'subscribe', topics: this.topics, ...resume }));
  }

  private armSilence(socket: WebSocket): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.lost(socket, 'no word from the server'), this.silenceTimeoutMs);
  }
}
