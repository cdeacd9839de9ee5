// `runboard alerts backtest`, pure: stored run history and the current config in, the alerts those rules would have
// sent out. It runs the live daemon's own judge (evaluateHealth) and rules (decideAlerts, dueReminders) — no second
// copy of either — and asks them at the instants the daemon would: each run's start and end, and the judge's own
// `recheckAt` (next due time, due + grace, the stuck threshold) and the next reminder, walking time forward.
//
// What the daemon sees that history does not keep, and so can differ (the end-to-end test compares the two):
// - the daemon judges when ingest commits a line, a few ms after the line's time; the replay at the line's time;
// - an abandoned run ends in the replay at its last line; the daemon notices it later (pid gone, or --stale-after);
// - a pipeline enters the replay when runboard first knew it (its first run, or when the daemon first judged it,
//   whichever is earlier), or at `since` if that is later: an alert open when the window opens was sent before it,
//   so it is not counted again but listed in `openAtStart`.
import type { AlertRule } from '../alerts/config.js';
import { decideAlerts, dueReminders, type DecidedAlert, type PipelineAlertMemory } from '../alerts/decide.js';
import { consecutiveBadRuns, newestRunMark } from '../alerts/observation.js';
import { evaluateHealth, type RunForHealth } from './evaluate.js';
import { pipelinesToJudge } from './judged-pipelines.js';
import {
  resolveHealthPolicy,
  type HealthPolicy,
  type PipelineKey,
  type RunDeclaredSchedule,
  type ScheduleSources,
} from './resolve-schedule.js';
import type { HealthState, StoredHealth } from './states.js';

/** `new-error`: a fingerprint this pipeline has not had in this long. */
export const NEW_ERROR_LOOK_BACK_MS = 30 * 86_400_000;
/** As the health shell (app/health-monitor.ts): the judge sees this many newest runs, schedules the newest 20. */
export const RUNS_JUDGED = 40;
export const DECLARED_LOOK_BACK = 20;

/** A run as stored at the end of the window. */
export interface HistoryRun extends RunForHealth {
  /** The schedule its run.start declared. */
  declared: RunDeclaredSchedule | null;
}

/** One error fingerprint seen in one run, with the earliest time it was seen there. */
export interface ErrorSighting {
  runId: string;
  fingerprint: string;
  time: number;
}

export interface PipelineHistory extends PipelineKey {
  /**
   * Oldest first (startedAt, then id): every run that started in the window, and the RUNS_JUDGED before it (the
   * judge's baselines and the first instant's view).
   */
  runs: readonly HistoryRun[];
  /** When the daemon first judged this pipeline (pipeline_health.watching_since); null: never. */
  watchingSince: number | null;
  /** From `since` − NEW_ERROR_LOOK_BACK_MS on. */
  errors: readonly ErrorSighting[];
}

export interface ReplayInput {
  /** Pipelines with runs or stored health; those only the config or a crontab names are added here. */
  histories: readonly PipelineHistory[];
  sources: ScheduleSources;
  rules: readonly AlertRule[];
  since: number;
  until: number;
}

export interface OpenAtStart extends PipelineKey {
  state: HealthState;
  reason: string;
}

export interface ReplayResult {
  /** In time order. */
  alerts: DecidedAlert[];
  /** Pipelines whose alert was already open when the window opened. */
  openAtStart: OpenAtStart[];
  /** How many pipelines were judged. */
  pipelines: number;
}

export function replayAlerts(input: ReplayInput): ReplayResult {
  const byKey = new Map(input.histories.map((history) => [`${history.club}\n${history.pipeline}`, history]));
  const withRuns = input.histories.filter((history) => history.runs.length > 0);
  const keys = pipelinesToJudge(withRuns, input.sources);
  const alerts: DecidedAlert[] = [];
  const openAtStart: OpenAtStart[] = [];
  for (const key of keys) {
    const history = byKey.get(`${key.club}\n${key.pipeline}`) ?? { ...key, runs: [], watchingSince: null, errors: [] };
    const replayed = replayPipeline(history, input);
    alerts.push(...replayed.alerts);
    if (replayed.openAtStart) openAtStart.push(replayed.openAtStart);
  }
  // Stable: alerts of one instant keep their pipeline's and their rules' order.
  alerts.sort((a, b) => a.at - b.at);
  return { alerts, openAtStart, pipelines: keys.length };
}

function replayPipeline(
  history: PipelineHistory,
  input: ReplayInput,
): { alerts: DecidedAlert[]; openAtStart: OpenAtStart | null } {
  const { since, until, rules, sources } = input;
  const { club, pipeline } = history;
  const runs = history.runs;
  const knownFrom = Math.min(runs[0]?.startedAt ?? Infinity, history.watchingSince ?? Infinity);
  const inherited = knownFrom < since;
  const enter = Math.max(since, knownFrom === Infinity ? since : knownFrom);
  const boundaries = runBoundaries(runs, enter, until);
  const newErrors = newErrorsByRun(runs, history.errors);
  const reminding = rules.some((rule) => rule.remindMs !== null);

  const alerts: DecidedAlert[] = [];
  let openAtStart: OpenAtStart | null = null;
  let stored: StoredHealth | null = null;
  let memory: PipelineAlertMemory | null = null;
  let announcedMark: string | null | undefined;
  let policy: HealthPolicy | null = null;
  let policyAtCount = -1;
  let nextBoundary = 0;
  let remindAt: number | null = null;
  let t = enter;
  for (let first = true; ; first = false) {
    const started = countStartedBy(runs, t);
    if (started !== policyAtCount || policy === null) {
      policy = resolveHealthPolicy(history, sources, declaredBy(runs, started));
      policyAtCount = started;
    }
    const view = runsAsOf(runs, started, t);
    const verdict = evaluateHealth({ policy, runs: view, previous: stored, now: t });
    const mark = newestRunMark(view);
    // When the health shell asks the rules (app/health-monitor.ts judge): a change of state, or news of the newest
    // run (a new one, or its end).
    const newRun = announcedMark !== undefined && announcedMark !== mark;
    const decided: DecidedAlert[] = [];
    if (stored === null || stored.state !== verdict.state || newRun) {
      const newest = view[0];
      const decision = decideAlerts(
        {
          club,
          pipeline,
          from: stored?.state ?? null,
          to: verdict.state,
          reason: verdict.reason,
          at: t,
          runId: newest?.id ?? null,
          consecutiveBadRuns: consecutiveBadRuns(view),
          // As the live outbox writer: the newest finished run's errors, checked once when it is news.
          errorsRunId: newRun && newest && newest.status !== 'running' ? newest.id : null,
          newErrors: newRun && newest && newest.status !== 'running' ? (newErrors.get(newest.id) ?? []) : [],
        },
        rules,
        memory,
      );
      memory = decision.memory;
      decided.push(...decision.alerts);
    }
    announcedMark = mark;
    stored = {
      state: verdict.state,
      since: verdict.since,
      reason: verdict.reason,
      watchingSince: verdict.watchingSince,
    };
    if (reminding && memory !== null) {
      const input = { club, pipeline, state: stored.state, reason: stored.reason, runId: view[0]?.id ?? null };
      const reminders = dueReminders(input, rules, memory, t);
      memory = reminders.memory;
      remindAt = reminders.nextAt;
      decided.push(...reminders.alerts);
    }
    if (first && inherited) {
      // Sent before the window opened, if the daemon was running then; not counted, but said.
      const open = memory !== null && Object.values(memory.rules).some((rule) => rule.kind !== null && rule.sent);
      if (open) openAtStart = { club, pipeline, state: stored.state, reason: stored.reason };
    } else alerts.push(...decided);

    while (nextBoundary < boundaries.length && (boundaries[nextBoundary] as number) <= t) nextBoundary++;
    const candidates = [boundaries[nextBoundary], verdict.recheckAt, remindAt].filter(
      (time): time is number => typeof time === 'number' && time > t,
    );
    const next = candidates.length > 0 ? Math.min(...candidates) : null;
    if (next === null || next > until) break;
    t = next;
  }
  return { alerts, openAtStart };
}

/** When a run ended, as far as the judge can place it; null while it runs. */
function endOf(run: HistoryRun): number | null {
  if (run.status === 'running') return null;
  return Math.max(run.startedAt, run.finishedAt ?? run.startedAt);
}

/** Each run's start and end in (enter, until], ascending, once each. */
function runBoundaries(runs: readonly HistoryRun[], enter: number, until: number): number[] {
  const times = new Set<number>();
  for (const run of runs) {
    for (const time of [run.startedAt, endOf(run)]) {
      if (time !== null && time > enter && time <= until) times.add(time);
    }
  }
  return [...times].sort((a, b) => a - b);
}

/** How many runs (oldest first) had started by `t`. */
function countStartedBy(runs: readonly HistoryRun[], t: number): number {
  let low = 0;
  let high = runs.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((runs[middle] as HistoryRun).startedAt <= t) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The newest runs as the database held them at `t`, newest first: a run that had not ended yet is running. */
function runsAsOf(runs: readonly HistoryRun[], started: number, t: number): RunForHealth[] {
  const view: RunForHealth[] = [];
  for (let i = started - 1; i >= 0 && view.length < RUNS_JUDGED; i--) {
    const run = runs[i] as HistoryRun;
    const end = endOf(run);
    view.push(
      end !== null && end <= t
        ? run
        : {
            ...run,
            status: 'running',
            finishedAt: null,
            durationMs: null,
            created: 0,
            updated: 0,
            failed: 0,
            errorCount: 0,
          },
    );
  }
  return view;
}

/** The schedule the newest of the last DECLARED_LOOK_BACK runs started by then declared. */
function declaredBy(runs: readonly HistoryRun[], started: number): RunDeclaredSchedule | null {
  for (let i = started - 1; i >= 0 && i >= started - DECLARED_LOOK_BACK; i--) {
    const declared = runs[i]?.declared;
    if (declared) return declared;
  }
  return null;
}

/**
 * Per run, its error fingerprints this pipeline had not had (in another run) in the NEW_ERROR_LOOK_BACK_MS before
 * the run started: what `new-error` announces when the run ends.
 */
export function newErrorsByRun(
  runs: readonly RunForHealth[],
  sightings: readonly ErrorSighting[],
): Map<string, string[]> {
  const byFingerprint = new Map<string, ErrorSighting[]>();
  const byRun = new Map<string, Set<string>>();
  for (const sighting of sightings) {
    let list = byFingerprint.get(sighting.fingerprint);
    if (!list) byFingerprint.set(sighting.fingerprint, (list = []));
    list.push(sighting);
    let set = byRun.get(sighting.runId);
    if (!set) byRun.set(sighting.runId, (set = new Set()));
    set.add(sighting.fingerprint);
  }
  const out = new Map<string, string[]>();
  for (const run of runs) {
    const fingerprints = byRun.get(run.id);
    if (!fingerprints) continue;
    const fresh = [...fingerprints].filter(
      (fingerprint) =>
        !(byFingerprint.get(fingerprint) ?? []).some(
          (seen) =>
            seen.runId !== run.id && seen.time < run.startedAt && seen.time >= run.startedAt - NEW_ERROR_LOOK_BACK_MS,
        ),
    );
    if (fresh.length > 0) out.set(run.id, fresh.sort());
  }
  return out;
}
