// Scheduling file passes: a round-robin queue (a file with more work goes to the back of the line, so one busy file
// never starves the others), drained in time slices on the event loop (the API shares this process), started on
// the next tick after work arrives (never a timer waiting to fill a batch).

export class WorkQueue<T> {
  /** A Set keeps insertion order; re-adding an item after taking it moves it to the back. */
  private readonly items = new Set<T>();
  private scheduled = false;
  private running = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  /**
   * @param work one unit of work for an item; returns whether the item has more right away. May throw: `onError`.
   * @param sliceMs work done in one go before yielding to the event loop.
   */
  constructor(
    private readonly work: (item: T) => boolean,
    private readonly onError: (item: T, error: unknown) => void,
    private readonly sliceMs: number,
  ) {}

  get size(): number {
    return this.items.size;
  }

  has(item: T): boolean {
    return this.items.has(item);
  }

  /** Queue an item (no-op if queued) and make sure a drain is coming. */
  add(item: T): void {
    if (this.stopped) return;
    this.items.add(item);
    this.schedule();
  }

  delete(item: T): void {
    this.items.delete(item);
  }

  /** Resolves when the queue is empty (or stopped). */
  whenIdle(): Promise<void> {
    if (this.items.size === 0 && !this.scheduled && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop scheduling; `drainNow` can still finish what is queued. */
  stop(): void {
    this.stopped = true;
  }

  /** Add without scheduling (after stop, for a final synchronous drain). */
  addForFinalDrain(item: T): void {
    this.items.add(item);
  }

  /** Drain everything now, synchronously, then release waiters. */
  drainNow(): void {
    this.drain(Number.POSITIVE_INFINITY);
    this.items.clear();
    this.releaseWaiters();
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running = true;
      try {
        this.drain(this.sliceMs);
      } finally {
        this.running = false;
      }
      if (this.items.size > 0 && !this.stopped) this.schedule();
      else this.releaseWaiters();
    });
  }

  private drain(budgetMs: number): void {
    const started = performance.now();
    while (this.items.size > 0) {
      const item = this.items.values().next().value as T;
      this.items.delete(item);
      let more = false;
      try {
        more = this.work(item);
      } catch (error) {
        this.onError(item, error);
      }
      if (more) this.items.add(item);
      if (performance.now() - started > budgetMs) break;
    }
  }

  private releaseWaiters(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
