// A page's live data, wired once: subscribe to the page's live topics while it is connected, load by REST under
// a generation guard (a stale answer never overwrites a newer one), hold the batches that arrive while a load is
// in flight so they can be applied on top of its snapshot, keep the load's error, and retry a failed catch-up.
// DOM-free (it imports only types from lit), so its guard is unit-tested under node.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveDataMessage, LiveTopic } from '../shared/api.js';
import type { LiveSubscriber, ResyncReason } from './live-client.js';
import type { ConnectionModel, ConnectionState } from './live-state.js';

/** The part of the live client a page's data needs (the app's `LiveClient` fits). */
export interface LiveSource {
  subscribe(subscriber: LiveSubscriber): () => void;
  onState(listener: (model: ConnectionModel) => void): () => void;
}

export interface LiveDataSpec {
  /** Where the batches come from; undefined until the page has its services. */
  source(): LiveSource | undefined;
  /** The topics the page shows now; null while it has nothing to show (no run id yet). */
  topics(): readonly LiveTopic[] | null;
  /** Load everything anew (connect, new topics, and by default a resync). */
  reload(): void;
  /** One live batch. While a load is in flight it is also held for that load (see `load`). */
  onBatch(messages: readonly LiveDataMessage[]): void;
  /** The socket asks for a resync (fresh start or a refused resume); default: `reload()`. */
  onResync?(reason: ResyncReason): void;
  /** Keep `connection` current (a page whose wording depends on whether the socket is live). */
  trackConnection?: boolean;
}

export interface LoadHandlers<T> {
  /** The answer of the newest load, with the batches that came while it was in flight (oldest first). */
  apply(value: T, heldBatches: readonly (readonly LiveDataMessage[])[]): void;
  /** The newest load failed: return true when handled, otherwise its message becomes `error`. */
  fail?(error: unknown): boolean;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function topicsKey(topics: readonly LiveTopic[] | null): string | null {
  return topics === null ? null : JSON.stringify(topics);
}

export class LiveDataController implements ReactiveController {
  /** The newest load's failure, null once one succeeds. */
  error: string | null = null;
  /** A load of the current generation is in flight. */
  loading = false;
  /** Whether a load has finished (succeeded or failed) since the page started. */
  loaded = false;
  connection: ConnectionState = 'connecting';

  private generationCounter = 0;
  private heldBatches: LiveDataMessage[][] = [];
  private unsubscribe: (() => void) | null = null;
  private unsubscribeState: (() => void) | null = null;
  private subscribedKey: string | null = null;
  private afterLoadTask: (() => void) | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly spec: LiveDataSpec,
  ) {
    host.addController(this);
  }

  /** Bumped by every load: requests started under an older one are stale. */
  get generation(): number {
    return this.generationCounter;
  }

  isCurrent(generation: number): boolean {
    return generation === this.generationCounter;
  }

  /**
   * Starts a new generation and returns it, for a page that runs and applies a load itself (checking
   * `isCurrent` after each await): answers to requests begun before are stale from now on.
   */
  supersede(): number {
    return ++this.generationCounter;
  }

  hostConnected(): void {
    const source = this.spec.source();
    if (this.spec.trackConnection && source)
      this.unsubscribeState = source.onState((model) => {
        this.connection = model.state;
        this.host.requestUpdate();
      });
    if (this.resubscribe()) this.spec.reload();
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.subscribedKey = null;
    this.unsubscribeState?.();
    this.unsubscribeState = null;
    this.cancelRetry();
    // Answers still in flight belong to a page no longer shown.
    this.supersede();
    this.loading = false;
    this.heldBatches = [];
    this.afterLoadTask = null;
  }

  /**
   * Subscribes to the current topics unless already subscribed to the same ones. Returns whether it did, so the
   * caller knows its data is for other topics now (and reloads).
   */
  resubscribe(): boolean {
    const source = this.spec.source();
    const topics = this.spec.topics();
    const key = topicsKey(topics);
    if (!source || key === this.subscribedKey) return false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.subscribedKey = key;
    if (topics === null) return false;
    this.unsubscribe = source.subscribe({
      topics,
      onBatch: (messages) => {
        if (this.loading) this.heldBatches.push([...messages]);
        this.spec.onBatch(messages);
      },
      onResync: (reason) => (this.spec.onResync ? this.spec.onResync(reason) : this.spec.reload()),
    });
    return true;
  }

  /**
   * Starts a load that supersedes every earlier one: only the newest load's answer or failure is applied.
   * Resolves when it settled (applied, failed or superseded).
   */
  async load<T>(fetch: () => Promise<T>, handlers: LoadHandlers<T>): Promise<void> {
    const generation = this.supersede();
    this.heldBatches = [];
    this.afterLoadTask = null;
    this.loading = true;
    this.cancelRetry();
    try {
      const value = await fetch();
      if (!this.isCurrent(generation)) return;
      handlers.apply(value, this.heldBatches);
      this.error = null;
    } catch (error) {
      if (!this.isCurrent(generation)) return;
      if (!handlers.fail?.(error)) this.error = errorMessage(error);
    } finally {
      if (this.isCurrent(generation)) this.settle();
    }
  }

  /**
   * A follow-up request of the current load (an older page, a gap): its answer is returned only while no newer
   * load started, else undefined. Its failure is thrown to the caller, who knows what it means.
   */
  async within<T>(fetch: () => Promise<T>): Promise<T | undefined> {
    const generation = this.generationCounter;
    const value = await fetch();
    return this.isCurrent(generation) ? value : undefined;
  }

  /** Runs `task` once the load in flight settles (if no newer load started), or now when none is in flight. */
  afterLoad(task: () => void): void {
    if (this.loading) this.afterLoadTask = task;
    else task();
  }

  /** Tries `task` again later (a catch-up that failed while the server restarts); one retry pending at a time. */
  retryLater(task: () => void, delayMs: number): void {
    this.cancelRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      task();
    }, delayMs);
  }

  cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private settle(): void {
    this.loading = false;
    this.loaded = true;
    this.heldBatches = [];
    this.host.requestUpdate();
    const task = this.afterLoadTask;
    this.afterLoadTask = null;
    task?.();
  }
}
