// Which alerts a health change causes. Pure: (what was observed, the rules, this pipeline's alert memory) in,
// (alerts to send, the new memory) out; the shell stores both in the transaction that saves the health change, so
// a crash can neither lose an alert nor send one twice with different ids.
//
// Noise control, the reason this file exists: an alert is sent on a change into a state, never per check; a
// failing pipeline that goes failing → running → failing for 50 runs is one `failed` (the open alert stays open
// until the pipeline is ok again, then one `recovered`); `after: N` waits for the Nth consecutive bad run; more than
// FLAP_LIMIT changes within an hour become one `flapping` summary per hour instead of one message per change.
import type { Alert, AlertKind } from '../shared/alerts.js';
import type { HealthState } from '../shared/health.js';
import type { AlertRule } from './config.js';

export const HOUR_MS = 3_600_000;
/** "Flapping more than 5 times an hour" (the issue). */
export const FLAP_LIMIT = 5;

/** What one rule remembers about one pipeline. */
export interface RuleMemory {
  /** The alert currently open (announced or waiting for `after`), null when the pipeline is fine. */
  kind: AlertKind | null;
  /** false while an `after: N` rule waits for the Nth bad run. */
  sent: boolean;
  /** Last message for the open alert (first send or reminder): the reminder clock. */
  lastSentAt: number | null;
  /** Last `flapping` summary: at most one per hour. */
  flappingSentAt: number | null;
}

export interface PipelineAlertMemory {
  /** The last state other than `running`: a run starting and ending in the same verdict is no change. */
  settled: HealthState | null;
  /** When the settled state changed, within the last hour. */
  changes: number[];
  /** By AlertRule.key. */
  rules: Record<string, RuleMemory>;
  /** The last run whose errors were checked for new ones: one `new-error` per run, however often it is judged. */
  newErrorsRunId?: string | null;
}

export interface HealthObservation {
  club: string;
  pipeline: string;
  /** null the first time the pipeline is judged. */
  from: HealthState | null;
  to: HealthState;
  reason: string;
  at: number;
  /** The newest run, for the link. */
  runId: string | null;
  /** How many of the newest runs in a row failed (for `after:` on failed/unstable). */
  consecutiveBadRuns: number;
  /** The finished run whose errors `newErrors` lists; null when no run was checked this time. */
  errorsRunId: string | null;
  /**
   * Titles of that run's error fingerprints not seen in this pipeline in the 30 days before it (with those of the
   * unchecked runs before it, when several ended together or while the daemon was down).
   */
  newErrors: string[];
}

/** An alert before the shell gives it its id. */
export type DecidedAlert = Omit<Alert, 'alertId'>;

export interface Decision {
  alerts: DecidedAlert[];
  memory: PipelineAlertMemory;
}

export function emptyAlertMemory(): PipelineAlertMemory {
  return { settled: null, changes: [], rules: {} };
}

/** The alert kind a health state announces; null for the states that need no one (ok, running). */
export function alertKindOfState(state: HealthState): AlertKind | null {
  switch (state) {
    case 'failing':
      return 'failed';
    case 'ok':
    case 'running':
      return null;
    default:
      return state;
  }
}

export function ruleMatches(rule: AlertRule, club: string, pipeline: string): boolean {
  return (rule.club === null || rule.club === club) && (rule.pipeline === null || rule.pipeline === pipeline);
}

const WORDS: Record<AlertKind, string> = {
  failed: 'failed',
  late: 'is late',
  missed: 'missed a run',
  stuck: 'is stuck',
  'too-short': 'ended too soon',
  unstable: 'is unstable',
  overlap: 'runs overlap',
  recovered: 'recovered',
  'new-error': 'has a new error',
  flapping: 'is flapping',
};

export function alertSummary(kind: AlertKind, club: string, pipeline: string, reason: string): string {
  return `${club}/${pipeline} ${WORDS[kind]}${reason === '' ? '' : `: ${reason}`}`;
}

function cloneMemory(memory: PipelineAlertMemory | null): PipelineAlertMemory {
  if (memory === null) return emptyAlertMemory();
  const rules: Record<string, RuleMemory> = {};
  for (const [key, value] of Object.entries(memory.rules)) rules[key] = { ...value };
  return {
    settled: memory.settled,
    changes: [...memory.changes],
    rules,
    newErrorsRunId: memory.newErrorsRunId ?? null,
  };
}

/** Titles listed in one new-error message; the rest are counted. */
export const NEW_ERROR_TITLES = 5;
const TITLE_CHARS = 120;

/** One message per run: every new fingerprint's title (first line, capped), not one message per error. */
export function newErrorsReason(titles: readonly string[]): string {
  const count = titles.length;
  const shown = titles.slice(0, NEW_ERROR_TITLES).map((title) => {
    const line = (title.split(/\r?\n/, 1)[0] ?? '').trim();
    return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
  });
  const more = count > shown.length ? `; and ${count - shown.length} more` : '';
  return `${count} error${count === 1 ? '' : 's'} not seen in 30 days: ${shown.map((t) => `"${t}"`).join(', ')}${more}`;
}

export function decideAlerts(
  observation: HealthObservation,
  rules: readonly AlertRule[],
  previous: PipelineAlertMemory | null,
): Decision {
  const memory = cloneMemory(previous);
  const { club, pipeline, at } = observation;
  const alerts: DecidedAlert[] = [];
  const kind = alertKindOfState(observation.to);
  const stateChanged = observation.from !== observation.to;

  if (observation.to !== 'running' && observation.to !== memory.settled) {
    if (memory.settled !== null) memory.changes.push(at);
    memory.settled = observation.to;
  }
  memory.changes = memory.changes.filter((t) => t > at - HOUR_MS);
  const flapping = memory.changes.length > FLAP_LIMIT;
  // A run is checked once: judged again (a later state change, a restart) it is no longer news.
  const errorsNews =
    observation.errorsRunId !== null && observation.errorsRunId !== memory.newErrorsRunId ? observation.newErrors : [];
  if (observation.errorsRunId !== null) memory.newErrorsRunId = observation.errorsRunId;

  for (const rule of rules) {
    if (!ruleMatches(rule, club, pipeline)) continue;
    const ruleMemory: RuleMemory = memory.rules[rule.key] ?? {
      kind: null,
      sent: false,
      lastSentAt: null,
      flappingSentAt: null,
    };
    memory.rules[rule.key] = ruleMemory;
    const announceNewErrors = errorsNews.length > 0 && rule.on.includes('new-error');
    const emit = (alertKind: AlertKind, reason: string, runId = observation.runId): void => {
      alerts.push({
        kind: alertKind,
        club,
        pipeline,
        state: observation.to,
        previousState: observation.from,
        reason,
        runId,
        at,
        summary: alertSummary(alertKind, club, pipeline, reason),
        reminder: false,
        channels: [...rule.channels],
      });
    };

    if (flapping) {
      // The summary stands for every change in the hour: keep the open alert in step silently, so the first
      // change after the flapping stops is judged against where the pipeline really is.
      if (kind !== null && rule.on.includes(kind)) {
        ruleMemory.kind = kind;
        ruleMemory.sent = true;
        ruleMemory.lastSentAt = at;
      } else if (observation.to === 'ok') {
        ruleMemory.kind = null;
        ruleMemory.sent = false;
      }
      const summaryDue = ruleMemory.flappingSentAt === null || at - ruleMemory.flappingSentAt >= HOUR_MS;
      if (stateChanged && summaryDue && rule.on.includes('flapping')) {
        ruleMemory.flappingSentAt = at;
        emit('flapping', `${memory.changes.length} state changes in the last hour; now ${observation.to}`);
      }
      // A new error is news of its own, not one more state change: flapping does not swallow it.
      if (announceNewErrors) emit('new-error', newErrorsReason(errorsNews), observation.errorsRunId);
      continue;
    }

    if (kind !== null && rule.on.includes(kind)) {
      const counted = (kind === 'failed' || kind === 'unstable') && rule.after > 1;
      if (ruleMemory.kind === kind && ruleMemory.sent) {
        // Already announced (failing → running → failing is the same outage).
      } else if (counted && observation.consecutiveBadRuns < rule.after) {
        ruleMemory.kind = kind;
        ruleMemory.sent = false;
      } else {
        ruleMemory.kind = kind;
        ruleMemory.sent = true;
        ruleMemory.lastSentAt = at;
        emit(
          kind,
          counted ? `${observation.reason} (${observation.consecutiveBadRuns} runs in a row)` : observation.reason,
        );
      }
    } else if (observation.to === 'ok') {
      if (ruleMemory.kind !== null && ruleMemory.sent && rule.on.includes('recovered')) {
        emit('recovered', `was ${ruleMemory.kind}; ${observation.reason}`);
      }
      ruleMemory.kind = null;
      ruleMemory.sent = false;
      ruleMemory.lastSentAt = null;
    }

    if (announceNewErrors) emit('new-error', newErrorsReason(errorsNews), observation.errorsRunId);
  }
  return { alerts, memory };
}

export interface ReminderInput {
  club: string;
  pipeline: string;
  state: HealthState;
  reason: string;
  runId: string | null;
}

export interface ReminderDecision extends Decision {
  /** When the next reminder falls due; null: none pending. */
  nextAt: number | null;
}

/** `remind:` repeats an announced, unresolved alert every interval (flagged `reminder`, with a fresh id). */
export function dueReminders(
  input: ReminderInput,
  rules: readonly AlertRule[],
  previous: PipelineAlertMemory,
  now: number,
): ReminderDecision {
  const memory = cloneMemory(previous);
  const alerts: DecidedAlert[] = [];
  let nextAt: number | null = null;
  for (const rule of rules) {
    if (rule.remindMs === null || !ruleMatches(rule, input.club, input.pipeline)) continue;
    const ruleMemory = memory.rules[rule.key];
    if (!ruleMemory || ruleMemory.kind === null || !ruleMemory.sent || ruleMemory.lastSentAt === null) continue;
    if (now - ruleMemory.lastSentAt >= rule.remindMs) {
      ruleMemory.lastSentAt = now;
      alerts.push({
        kind: ruleMemory.kind,
        club: input.club,
        pipeline: input.pipeline,
        state: input.state,
        previousState: input.state,
        reason: input.reason,
        runId: input.runId,
        at: now,
        summary: `still: ${alertSummary(ruleMemory.kind, input.club, input.pipeline, input.reason)}`,
        reminder: true,
        channels: [...rule.channels],
      });
    }
    const due = ruleMemory.lastSentAt + rule.remindMs;
    nextAt = nextAt === null ? due : Math.min(nextAt, due);
  }
  return { alerts, memory, nextAt };
}
