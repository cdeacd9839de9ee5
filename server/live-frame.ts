// What is waiting to be sent to one live client, coalesced: latest run/step state wins, errors and log lines
// accumulate, log lines dropped under backpressure become one contiguous skipped range per run.
import type { PipelineHealthChange } from '../shared/health.js';
import type { ErrorView, LiveDataMessage, LiveServerMessage, LogLineView, RunView, StepView } from '../shared/api.js';

interface SkipRange {
  count: number;
  firstOffset: number;
  lastOffset: number;
}

export class PendingFrame {
  /** Cursor of the newest entry folded in (relevant to the client or not). */
  cursor = 0;
  lineCount = 0;
  private readonly runs = new Map<number, RunView>();
  private readonly steps = new Map<number, Map<string, StepView>>();
  /** By id: a client subscribed to a run and to `errors` gets each error once. */
  private readonly errors = new Map<number, ErrorView>();
  private readonly logs = new Map<number, LogLineView[]>();
  private readonly skipped = new Map<number, SkipRange>();
  private readonly removed = new Set<number>();
  /** By `club\npipeline`: latest health wins. */
  private readonly health = new Map<string, PipelineHealthChange>();

  isEmpty(): boolean {
    return (
      this.runs.size === 0 &&
      this.steps.size === 0 &&
      this.errors.size === 0 &&
      this.logs.size === 0 &&
      this.skipped.size === 0 &&
      this.removed.size === 0 &&
      this.health.size === 0
    );
  }

  /** Returns true when it replaced a pending state of the same run. */
  addRun(run: RunView): boolean {
    const replaced = this.runs.has(run.id);
    this.runs.set(run.id, run);
    return replaced;
  }

  addStep(runId: number, step: StepView): boolean {
    let byName = this.steps.get(runId);
    if (!byName) this.steps.set(runId, (byName = new Map<string, StepView>()));
    const replaced = byName.has(step.name);
    byName.set(step.name, step);
    return replaced;
  }

  /** Returns true when it replaced a pending health of the same pipeline. */
  addHealth(item: PipelineHealthChange): boolean {
    const key = `${item.club}\n${item.pipeline}`;
    const replaced = this.health.has(key);
    this.health.set(key, item);
    return replaced;
  }

  addRemoved(runId: number): void {
    this.removed.add(runId);
  }

  addError(error: ErrorView): void {
    this.errors.set(error.id, error);
  }

  addLogs(runId: number, lines: readonly LogLineView[]): void {
    let pending = this.logs.get(runId);
    if (!pending) this.logs.set(runId, (pending = []));
    for (const line of lines) pending.push(line);
    this.lineCount += lines.length;
  }

  /** Lines must come in file order after any lines already pending or skipped for the run. */
  skipLogs(runId: number, lines: readonly LogLineView[]): void {
    const first = lines[0];
    const last = lines[lines.length - 1];
    if (!first || !last) return;
    const range = this.skipped.get(runId);
    if (range) {
      range.count += lines.length;
      range.lastOffset = last.offset;
    } else {
      this.skipped.set(runId, { count: lines.length, firstOffset: first.offset, lastOffset: last.offset });
    }
  }

  /**
   * Folds a later frame into this one, pending lines of both becoming skipped ranges: a congested client's
   * queue collapses into one frame of states. Returns the number of lines dropped.
   */
  absorbDroppingLogs(later: PendingFrame): number {
    let dropped = this.dropLogs();
    for (const run of later.runs.values()) this.addRun(run);
    for (const [runId, byName] of later.steps) for (const step of byName.values()) this.addStep(runId, step);
    for (const error of later.errors.values()) this.addError(error);
    for (const [runId, range] of later.skipped) {
      const own = this.skipped.get(runId);
      if (own) {
        own.count += range.count;
        own.lastOffset = range.lastOffset;
      } else {
        this.skipped.set(runId, { ...range });
      }
    }
    for (const [runId, lines] of later.logs) {
      this.skipLogs(runId, lines);
      dropped += lines.length;
    }
    for (const runId of later.removed) this.addRemoved(runId);
    for (const item of later.health.values()) this.addHealth(item);
    this.cursor = Math.max(this.cursor, later.cursor);
    return dropped;
  }

  /** Turns every pending log line into its run's skipped range. Returns how many. */
  dropLogs(): number {
    let dropped = 0;
    for (const [runId, lines] of this.logs) {
      this.skipLogs(runId, lines);
      dropped += lines.length;
    }
    this.logs.clear();
    this.lineCount = 0;
    return dropped;
  }

  /** The `batch` message: states, errors, per run its skipped range before its newer lines, removals last. */
  toMessage(): LiveServerMessage {
    const cursor = this.cursor;
    const messages: LiveDataMessage[] = [];
    if (this.runs.size > 0) messages.push({ type: 'runs', cursor, runs: [...this.runs.values()] });
    for (const [runId, byName] of this.steps) {
      messages.push({ type: 'steps', cursor, runId, steps: [...byName.values()] });
    }
    if (this.errors.size > 0) messages.push({ type: 'errors', cursor, errors: [...this.errors.values()] });
    for (const [runId, range] of this.skipped) {
      messages.push({
        type: 'skipped',
        cursor,
        runId,
        count: range.count,
        // Byte offsets of distinct lines differ by at least 1, so the open interval holds exactly these lines.
        afterOffset: range.firstOffset - 1,
        beforeOffset: range.lastOffset + 1,
      });
    }
    for (const [runId, lines] of this.logs) messages.push({ type: 'logs', cursor, runId, lines });
    if (this.health.size > 0) messages.push({ type: 'health', cursor, items: [...this.health.values()] });
    // Last: a run updated earlier in the same batch and then deleted ends up deleted (run ids are never reused).
    if (this.removed.size > 0) messages.push({ type: 'removed', cursor, runIds: [...this.removed] });
    return { type: 'batch', cursor, messages };
  }
}
