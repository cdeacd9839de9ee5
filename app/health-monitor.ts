// The health shell: runs the pure judge (health/evaluate.ts) for every pipeline when its runs change, when its
// schedule sources change, and on a timer at the soonest `recheckAt`, so a late run is noticed with no run file
// written. It saves a verdict only when it changed (a restart neither forgets nor re-announces), publishes changed
// views for the live overview, and tells listeners about state changes (the alerts issue subscribes here).
import type { Logger } from 'pino';
import { newestRunMark } from '../alerts/observation.js';
import { evaluateHealth, type RunForHealth } from '../health/evaluate.js';
import { resolveHealthPolicy, type HealthPolicy, type ScheduleSources } from '../health/resolve-schedule.js';
import { pipelinesToJudge } from '../health/judged-pipelines.js';
import { healthUrgency } from '../health/states.js';
import { toHealthView } from '../health/view.js';
import { healthKey, type HealthStore, type PipelineKey } from '../ingest/health-store.js';
import type { HealthTransition, PipelineHealth, PipelineHealthChange, StoredHealth } from '../shared/health.js';

/** Runs read per pipeline: the judge's baselines use the newest 20 successes, too-short the 10 before the last. */
const RUNS_PER_PIPELINE = 40;
/** Runs whose run.start is searched for a declared schedule. */
const DECLARED_LOOK_BACK = 20;
/** Changes in a burst of commits are judged together this long after the first. */
const COALESCE_MS = 20;
/** The timer never sleeps longer than this, so a changed clock or a missed wake-up can't leave health stale. */
const MAX_SLEEP_MS = 60_000;

export type HealthListener = (transition: HealthTransition) => void;

/** A judgement the alert rules may care about: a state change, or news of the newest run (a new one, or its end). */
export interface JudgedHealth {
  key: PipelineKey;
  from: StoredHealth | null;
  to: StoredHealth;
  at: number;
  /** Newest first. */
  runs: readonly RunForHealth[];
}

export interface HealthMonitorOptions {
  store: HealthStore;
  /** Config entries, crontab entries and the default zone, as of now (they change on reload). */
  sources: () => ScheduleSources;
  logger: Logger;
  /** Views that changed (state, reason or due times), for the live overview. */
  publish?: (changes: PipelineHealthChange[]) => void;
  /**
   * Called inside the transaction that saves the verdict (the alert outbox writes there, so a crash can't separate a
   * health change from its alerts); it throws to roll both back. After the commit, `committed` is called.
   */
  inTransaction?: (judged: JudgedHealth) => void;
  committed?: () => void;
  now?: () => number;
}

export interface PipelineHealthEntry extends PipelineKey {
  policy: HealthPolicy;
  health: PipelineHealth;
}

export interface HealthMonitor {
  /** Reads stored health and judges every pipeline; then keeps doing so. */
  start(): void;
  /** Runs of these pipelines changed (a committed ingest batch); `all` after deletions whose pipelines are unknown. */
  runsChanged(keys: readonly PipelineKey[] | 'all'): void;
  /** The config or a crontab changed: policies are resolved again for every pipeline. */
  sourcesChanged(): void;
  get(key: PipelineKey): PipelineHealth | null;
  /** The policy a pipeline is judged by and since when it is watched; null for a pipeline not tracked. */
  policyOf(key: PipelineKey): { policy: HealthPolicy; watchingSince: number | null } | null;
  list(): PipelineHealthEntry[];
  /** "Health changed", with the old and the new state; returns an unsubscribe function. */
  onTransition(listener: HealthListener): () => void;
  stop(): void;
}

interface Tracked {
  key: PipelineKey;
  /** The newest run's mark (alerts/observation.ts) last handed to `inTransaction`: a different one is news. */
  announcedRunMark?: string | null;
  policy: HealthPolicy;
  runs: RunForHealth[];
  stored: StoredHealth | null;
  health: PipelineHealth | null;
  recheckAt: number | null;
}

export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
  const { store, logger } = options;
  const now = options.now ?? Date.now;
  const tracked = new Map<string, Tracked>();
  const listeners = new Set<HealthListener>();
  let storedAtStart = new Map<string, StoredHealth>();
  const dirty = new Set<string>();
  let refreshAll = false;
  let coalesceTimer: NodeJS.Timeout | null = null;
  let wakeTimer: NodeJS.Timeout | null = null;
  let stopped = false;

  /** Every pipeline with a run, plus those only the config or a crontab names (a job that never ran is news too). */
  function currentKeys(sources: ScheduleSources): Map<string, PipelineKey> {
    const keys = new Map<string, PipelineKey>();
    for (const key of pipelinesToJudge(store.pipelinesWithRuns(), sources)) keys.set(healthKey(key), key);
    return keys;
  }

  function loadRuns(item: Tracked): void {
    item.runs = store.recentRuns(item.key, RUNS_PER_PIPELINE);
  }

  function resolve(item: Tracked, sources: ScheduleSources): void {
    item.policy = resolveHealthPolicy(item.key, sources, store.declaredSchedule(item.key, DECLARED_LOOK_BACK));
  }

  function judge(item: Tracked, at: number, changed: PipelineHealthChange[]): void {
    const verdict = evaluateHealth({ policy: item.policy, runs: item.runs, previous: item.stored, now: at });
    item.recheckAt = verdict.recheckAt;
    const previous = item.stored;
    const newestMark = newestRunMark(item.runs);
    const saving = verdict.change !== 'none' || previous === null || previous.watchingSince === undefined;
    // The first judgement after a start counts as news too: runs may have ended while the daemon was down (a new
    // error, the Nth failure). The rules' memory keeps it from repeating what was already announced.
    const newRun = item.announcedRunMark !== newestMark && newestMark !== null;
    if (options.inTransaction && !saving && newRun && previous !== null) {
      const hook = options.inTransaction;
      const judged = { key: item.key, from: previous, to: previous, at, runs: item.runs };
      store.inTransaction(() => hook(judged));
      item.announcedRunMark = newestMark;
      options.committed?.();
    }
    if (item.announcedRunMark === undefined) item.announcedRunMark = newestMark;
    if (saving) {
      const next: StoredHealth = {
        state: verdict.state,
        since: verdict.since,
        reason: verdict.reason,
        watchingSince: verdict.watchingSince,
      };
      const hook = options.inTransaction;
      const stateChanged = previous === null || previous.state !== next.state;
      // A run ending in the state it ran under (failing → failing) changes only the reason: still news for the rules.
      const news = stateChanged || newRun;
      store.inTransaction(() => {
        store.save(item.key, next, at);
        // The history row commits with the state it records, so the two never disagree after a crash.
        if (stateChanged) store.appendHistory(item.key, previous, next, at);
        if (hook && news) hook({ key: item.key, from: previous, to: next, at, runs: item.runs });
      });
      item.stored = next;
      item.announcedRunMark = newestMark;
      if (news) options.committed?.();
      if (previous === null || previous.state !== next.state) {
        const transition: HealthTransition = { ...item.key, from: previous, to: next, at };
        for (const listener of listeners) {
          try {
            listener(transition);
          } catch (error) {
            logger.error({ err: error, ...item.key }, 'a health listener failed');
          }
        }
        logger.info({ ...item.key, from: previous?.state ?? null, to: next.state, reason: next.reason }, 'health');
      }
    }
    const health: PipelineHealth = {
      ...toHealthView(verdict, item.policy.schedule),
      urgency: healthUrgency(verdict.state),
    };
    if (!sameView(item.health, health)) {
      item.health = health;
      changed.push({ ...item.key, health });
    }
  }

  /** Brings the tracked set up to date with the sources and the runs table, judging what is new. */
  function sync(at: number, changed: PipelineHealthChange[], reresolve: boolean): void {
    const sources = options.sources();
    const keys = currentKeys(sources);
    for (const [id, item] of tracked) {
      if (keys.has(id)) continue;
      tracked.delete(id);
      store.remove(item.key);
    }
    for (const [id, key] of keys) {
      let item = tracked.get(id);
      if (!item) {
        const policy = resolveHealthPolicy(key, sources, store.declaredSchedule(key, DECLARED_LOOK_BACK));
        const runs = store.recentRuns(key, RUNS_PER_PIPELINE);
        item = { key, policy, runs, stored: storedAtStart.get(id) ?? null, health: null, recheckAt: null };
        tracked.set(id, item);
        judge(item, at, changed);
      } else if (reresolve) {
        resolve(item, sources);
        judge(item, at, changed);
      }
    }
  }

  function publish(changed: PipelineHealthChange[]): void {
    if (changed.length > 0) options.publish?.(changed);
    scheduleWake();
  }

  /** One judging pass: what changed is published; a failed read is logged, never thrown. */
  function evaluationPass(work: (at: number, changed: PipelineHealthChange[]) => void): void {
    const at = now();
    const changed: PipelineHealthChange[] = [];
    try {
      work(at, changed);
    } catch (error) {
      // A failed read (a locked or lost database) must not take the daemon down; the next change or tick retries.
      logger.error({ err: error }, 'health evaluation failed');
    }
    publish(changed);
  }

  function flushDirty(): void {
    coalesceTimer = null;
    if (stopped) return;
    evaluationPass((at, changed) => {
      if (refreshAll) {
        refreshAll = false;
        dirty.clear();
        for (const item of tracked.values()) loadRuns(item);
        sync(at, changed, true);
      } else {
        const sources = options.sources();
        const unknown = [...dirty].some((id) => !tracked.has(id));
        if (unknown) sync(at, changed, false);
        for (const id of dirty) {
          const item = tracked.get(id);
          if (!item) continue;
          loadRuns(item);
          // A new run may declare (or stop declaring) a schedule.
          resolve(item, sources);
          judge(item, at, changed);
        }
        dirty.clear();
      }
    });
  }

  function scheduleFlush(): void {
    if (coalesceTimer || stopped) return;
    coalesceTimer = setTimeout(flushDirty, COALESCE_MS);
    coalesceTimer.unref();
  }

  function tick(): void {
    wakeTimer = null;
    if (stopped) return;
    evaluationPass((at, changed) => {
      for (const item of tracked.values()) {
        if (item.recheckAt !== null && item.recheckAt <= at) judge(item, at, changed);
      }
    });
  }

  function scheduleWake(): void {
    if (stopped) return;
    let soonest = Infinity;
    for (const item of tracked.values()) if (item.recheckAt !== null) soonest = Math.min(soonest, item.recheckAt);
    if (wakeTimer) clearTimeout(wakeTimer);
    const wait = soonest === Infinity ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, Math.max(0, soonest - now()));
    // +1: recheckAt is the first instant the verdict can differ; a timer may fire a little early.
    wakeTimer = setTimeout(tick, wait + 1);
    wakeTimer.unref();
  }

  return {
    start() {
      storedAtStart = store.loadAll();
      const changed: PipelineHealthChange[] = [];
      sync(now(), changed, false);
      storedAtStart = new Map();
      publish(changed);
    },
    runsChanged(keys) {
      if (keys === 'all') refreshAll = true;
      else for (const key of keys) dirty.add(healthKey(key));
      scheduleFlush();
    },
    sourcesChanged() {
      refreshAll = true;
      scheduleFlush();
    },
    get(key) {
      return tracked.get(healthKey(key))?.health ?? null;
    },
    policyOf(key) {
      const item = tracked.get(healthKey(key));
      return item ? { policy: item.policy, watchingSince: item.stored?.watchingSince ?? null } : null;
    },
    list() {
      const out: PipelineHealthEntry[] = [];
      for (const item of tracked.values()) {
        if (item.health) out.push({ ...item.key, policy: item.policy, health: item.health });
      }
      return out;
    },
    onTransition(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
      if (coalesceTimer) clearTimeout(coalesceTimer);
      if (wakeTimer) clearTimeout(wakeTimer);
    },
  };
}

function sameView(a: PipelineHealth | null, b: PipelineHealth): boolean {
  return (
    a !== null &&
    a.state === b.state &&
    a.since === b.since &&
    a.reason === b.reason &&
    a.schedule === b.schedule &&
    a.scheduleSource === b.scheduleSource &&
    a.timezone === b.timezone &&
    a.nextDueAt === b.nextDueAt &&
    a.lastDueAt === b.lastDueAt
  );
}
