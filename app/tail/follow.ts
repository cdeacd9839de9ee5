// `runboard tail`'s I/O shell: REST for what already happened, the live socket for what happens next, and one rule
// that makes the two meet without a gap or a repeat: per run, `seenOffset` is the byte offset of the last line
// handled, and only lines past it are printed (lines of a run always arrive in file order, from either source).
//
// Where a gap could open, the topics go out (with our cursor) before the REST read starts: everything up to that
// cursor is already in the database the REST read sees, and everything after it the server replays or streams.
// Every step runs on one queue, so a batch that arrives during a REST read waits for it and then drops what the
// read printed.
//
// Over 350 lines on purpose: one class, because the queue, the followed runs and the socket's state are shared by
// every step; the pure parts are in followed-run.ts and the REST discovery of runs in run-discovery.ts.
import type { LiveDataMessage, LiveTopic, LogLineView, RunDetail, RunView, StepView } from '../../shared/api.js';
import type { TailOptions } from './args.js';
import { liveUrlOf } from './args.js';
import { EXIT_RUN_FAILED, EXIT_USAGE, exitCodeForRun } from './exit-status.js';
import { LiveSocket } from './live-socket.js';
import { ApiRefusal, type TailApi } from './rest.js';
import { mergeByTime, type RunFilter } from './select.js';
import { runningRuns, runsToFollowAtStart } from './run-discovery.js';
import { isNewRunFor, tailTopics, takeDetail, takeShownLines, type FollowedRun } from './followed-run.js';
import { summaryText } from './format.js';

export interface TailOutput {
  /** Text for stdout: the printed lines (no final newline). */
  lines(text: string): void;
  /** A note for stderr: connection changes, the closing summary. */
  note(text: string): void;
}

/** Turns one line into its printed form (pretty or JSON). */
export type LinePrinter = (line: LogLineView, run: RunView, step: StepView | null) => string;

export class Tail {
  private readonly runs = new Map<number, FollowedRun>();
  /** Runs followed to their end in the all-runs mode: never picked up again from a late state message. */
  private readonly finishedRuns = new Set<number>();
  private readonly filter: RunFilter;
  private readonly single: boolean;
  /** The run of `--run` once known (`latest` may have to wait for one to start). */
  private target: number | null = null;
  private started = false;
  private needsResync = false;
  private finished = false;
  private connectionLostNoted = false;
  private queue: Promise<void> = Promise.resolve();
  private sentTopics = '';
  private readonly tailStartedAt = Date.now();
  private readonly socket: LiveSocket;
  private resolveExit: (code: number) => void = () => {};

  constructor(
    private readonly options: TailOptions,
    private readonly api: TailApi,
    private readonly output: TailOutput,
    private readonly print: LinePrinter,
    /** The closing summary of `--run` (with the run's link, when the command has a link base). */
    private readonly summarise: (run: RunView) => string = (run) => summaryText(run),
  ) {
    this.filter = { club: options.club, pipeline: options.pipeline };
    this.single = options.run !== null;
    if (options.run?.kind === 'id') this.target = options.run.id;
    this.socket = new LiveSocket({
      url: liveUrlOf(options.baseUrl),
      token: options.token,
      handlers: {
        onHello: (resumed) => {
          if (this.connectionLostNoted) this.output.note(resumed ? 'reconnected; resuming' : 'reconnected');
          this.connectionLostNoted = false;
          if (!resumed || this.needsResync) this.enqueue(() => this.resync());
        },
        onRefetch: (reason) => {
          if (this.started) this.output.note(`reconnected (${reason}); catching up over REST`);
          this.connectionLostNoted = false;
          this.enqueue(() => this.resync());
        },
        onBatch: (message) => this.enqueue(() => this.applyBatch(message.messages)),
        onLost: (reason) => {
          if (this.finished || this.connectionLostNoted) return;
          this.connectionLostNoted = true;
          this.output.note(`lost the connection to ${options.baseUrl} (${reason}); reconnecting`);
        },
        onRefused: (reason) => this.finish(EXIT_USAGE, `${reason} (give a token with --token or RUNBOARD_TOKEN)`),
      },
    });
  }

  /** Follows until the run ends (`--run`) or forever (all runs); resolves with the exit code. */
  run(): Promise<number> {
    const exit = new Promise<number>((resolve) => (this.resolveExit = resolve));
    this.sentTopics = JSON.stringify(this.topics());
    this.socket.start(this.topics());
    return exit;
  }

  /** Ctrl-C, a closed stdout. */
  stop(code: number): void {
    this.finish(code);
  }

  private finish(code: number, note?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.socket.stop();
    if (note !== undefined) this.output.note(note);
    this.resolveExit(code);
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.finished) return;
      try {
        await task();
      } catch (error) {
        this.failed(error);
      }
    });
  }

  private failed(error: unknown): void {
    if (error instanceof ApiRefusal && (error.statusCode === 401 || error.statusCode === 403)) {
      this.finish(EXIT_USAGE, `${error.message} (give a token with --token or RUNBOARD_TOKEN)`);
      return;
    }
    if (error instanceof ApiRefusal) {
      this.finish(EXIT_USAGE, error.message);
      return;
    }
    // The daemon went away mid-read: what we hold may have a hole, so reconnect and read again from seenOffset.
    this.needsResync = true;
    this.socket.drop(`REST: ${error instanceof Error ? error.message : String(error)}`);
  }

  private topics(): LiveTopic[] {
    return tailTopics(this.options.club, this.single, this.target, this.runs.keys());
  }

  /** Sends the topics when they changed; call before any REST read for a newly followed run. */
  private syncTopics(): void {
    const topics = this.topics();
    const key = JSON.stringify(topics);
    if (key === this.sentTopics) return;
    this.sentTopics = key;
    this.socket.setTopics(topics);
  }

  private follow(view: RunView, seenOffset: number): FollowedRun {
    const followed: FollowedRun = { view, steps: new Map(), seenOffset };
    this.runs.set(view.id, followed);
    return followed;
  }

  private printLines(followed: FollowedRun, lines: readonly LogLineView[]): void {
    const shown = takeShownLines(followed, lines, this.options.minLevel);
    if (shown.length === 0) return;
    this.output.lines(
      shown.map((line) => this.print(line, followed.view, followed.steps.get(line.step ?? '') ?? null)).join('\n'),
    );
  }

  private async resync(): Promise<void> {
    this.needsResync = false;
    if (!this.started) {
      // Sets `started` once it has printed anything; a start-up cut short before that is simply done again.
      await (this.single ? this.startSingle() : this.startAll());
      return;
    }
    if (this.single && this.target === null) {
      await this.findLatest();
      return;
    }
    if (!this.single) await this.discoverRunning();
    for (const runId of [...this.runs.keys()]) await this.catchUp(runId);
  }

  private async startSingle(): Promise<void> {
    this.runs.clear();
    if (this.target === null && !(await this.findLatest())) {
      this.started = true;
      const which = [this.options.club, this.options.pipeline].filter((part) => part !== null).join('/');
      this.output.note(`no run${which === '' ? '' : ` of ${which}`} yet; waiting for one to start`);
      return;
    }
    if (this.runs.has(this.target as number)) return;
    let detail: RunDetail;
    try {
      detail = await this.api.run(this.target as number);
    } catch (error) {
      if (error instanceof ApiRefusal && error.statusCode === 404) {
        this.finish(EXIT_USAGE, `run ${this.target} not found`);
        return;
      }
      throw error;
    }
    await this.begin(detail);
  }

  /** `--run latest`: the newest matching run becomes the target; false when there is none yet. */
  private async findLatest(): Promise<boolean> {
    const [newest] = await this.api.runs(this.filter, 1);
    if (newest === undefined) return false;
    await this.begin({ ...newest, steps: (await this.api.run(newest.id)).steps });
    return true;
  }

  /** Starts following the `--run` target: from `--since`, else from its first line. */
  private async begin(detail: RunDetail): Promise<void> {
    this.target = detail.id;
    const followed = this.follow(detail, -1);
    takeDetail(followed, detail);
    this.syncTopics();
    if (this.options.sinceTime !== null) {
      const { lines, lastOffset } = await this.api.linesSince(detail.id, this.options.sinceTime);
      this.printLines(followed, lines);
      followed.seenOffset = Math.max(followed.seenOffset, lastOffset);
    }
    this.started = true;
    await this.catchUp(detail.id);
  }

  private async startAll(): Promise<void> {
    this.runs.clear();
    const sinceTime = this.options.sinceTime;
    const candidates = await runsToFollowAtStart(this.api, this.filter, sinceTime);
    const followed = candidates.map((run) => this.follow(run, -1));
    this.syncTopics();
    const backfill: LogLineView[][] = [];
    const backfillEnds = new Map<FollowedRun, number>();
    for (const run of followed) {
      takeDetail(run, await this.api.run(run.view.id));
      if (sinceTime === null) {
        // Without --since only what happens from now on: skip what a running run has written so far.
        run.seenOffset = await this.api.lastOffset(run.view.id);
      } else {
        const { lines, lastOffset } = await this.api.linesSince(run.view.id, sinceTime);
        backfill.push(lines);
        backfillEnds.set(run, lastOffset);
      }
    }
    // Nothing printed before this point: a REST failure above starts over from a clean slate.
    this.started = true;
    // The runs' lines of the window in time order; then each run goes on from where its read ended.
    for (const line of mergeByTime(backfill)) {
      const run = this.runs.get(line.runId);
      if (run) this.printLines(run, [line]);
    }
    for (const [run, lastOffset] of backfillEnds) run.seenOffset = Math.max(run.seenOffset, lastOffset);
    for (const run of followed) await this.catchUp(run.view.id);
  }

  /** After a gap in the all-runs mode: runs that started while we were away are followed from their start. */
  private async discoverRunning(): Promise<void> {
    const running = await runningRuns(this.api, this.filter);
    const fresh = running.filter((run) => !this.runs.has(run.id) && !this.finishedRuns.has(run.id));
    for (const run of fresh) this.follow(run, -1);
    this.syncTopics();
  }

  /** Reads the run's state and every line past seenOffset over REST; ends the run's following if it is over. */
  private async catchUp(runId: number): Promise<void> {
    const followed = this.runs.get(runId);
    if (!followed) return;
    let detail: RunDetail;
    try {
      detail = await this.api.run(runId);
    } catch (error) {
      if (error instanceof ApiRefusal && error.statusCode === 404) {
        this.runRemoved(runId);
        return;
      }
      throw error;
    }
    takeDetail(followed, detail);
    await this.api.linesAfter(runId, followed.seenOffset, (lines) => this.printLines(followed, lines));
    // The status was read before the lines: a run that ended is complete in what we just read (its run.end line
    // and its status are committed together).
    if (exitCodeForRun(detail.status) !== null) this.runEnded(followed);
  }

  private runEnded(followed: FollowedRun): void {
    const runId = followed.view.id;
    if (this.single) {
      if (runId !== this.target) return;
      const code = exitCodeForRun(followed.view.status) ?? 0;
      this.finish(this.options.exitStatus ? code : 0, this.summarise(followed.view));
      return;
    }
    this.runs.delete(runId);
    this.finishedRuns.add(runId);
    this.syncTopics();
  }

  private runRemoved(runId: number): void {
    this.runs.delete(runId);
    this.finishedRuns.add(runId);
    if (this.single && runId === this.target) {
      this.finish(EXIT_RUN_FAILED, `run ${runId} was deleted (retention, or its file started over)`);
      return;
    }
    this.syncTopics();
  }

  private async applyBatch(messages: readonly LiveDataMessage[]): Promise<void> {
    const touched = new Set<number>();
    const discovered: RunView[] = [];
    for (const message of messages) {
      if (this.finished) return;
      switch (message.type) {
        case 'runs':
          for (const run of message.runs) {
            const followed = this.runs.get(run.id);
            if (followed) {
              followed.view = run;
              touched.add(run.id);
            } else if (this.isNewRun(run)) {
              discovered.push(run);
            }
          }
          break;
        case 'steps': {
          const followed = this.runs.get(message.runId);
          if (followed) for (const step of message.steps) followed.steps.set(step.name, step);
          break;
        }
        case 'skipped':
          // The server dropped lines while we were slow: read them (and anything newer) over REST now; the
          // batch's own lines that follow are then already seen.
          if (this.runs.has(message.runId)) await this.catchUp(message.runId);
          break;
        case 'logs': {
          const followed = this.runs.get(message.runId);
          if (followed) this.printLines(followed, message.lines);
          break;
        }
        case 'removed':
          for (const runId of message.runIds) if (this.runs.has(runId)) this.runRemoved(runId);
          break;
        case 'errors':
          break;
      }
    }
    if (discovered.length > 0) {
      if (this.single) {
        // Waiting for `--run latest`: the newest of the runs that just appeared.
        const newest = discovered.reduce((a, b) => ((b.startedAt ?? 0) >= (a.startedAt ?? 0) ? b : a));
        await this.begin({ ...newest, steps: (await this.api.run(newest.id)).steps });
        return;
      }
      for (const run of discovered) this.follow(run, -1);
      this.syncTopics();
      for (const run of discovered) await this.catchUp(run.id);
    }
    for (const runId of touched) {
      const followed = this.runs.get(runId);
      if (followed && exitCodeForRun(followed.view.status) !== null) await this.catchUp(runId);
    }
  }

  /** See {@link isNewRunFor}. */
  private isNewRun(run: RunView): boolean {
    return isNewRunFor(run, {
      filter: this.filter,
      finishedRuns: this.finishedRuns,
      single: this.single,
      target: this.target,
      started: this.started,
      tailStartedAt: this.tailStartedAt,
    });
  }
}
