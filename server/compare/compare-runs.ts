// A run against a baseline: per step (by name) each figure's change and whether it left the normal range of the
// last successful runs; steps added, missing or newly skipped; errors by (system, identifier) new, still failing
// (for how many runs in a row) or resolved; fingerprints new to the pipeline. Pure: the shell (routes/compare.ts)
// reads the rows, this decides.
import {
  COMPARED_FIGURES,
  type BaselineView,
  type ComparedFigure,
  type ErrorKeyView,
  type ErrorListView,
  type ErrorsComparison,
  type FigureChange,
  type FigureChanges,
  type NewFingerprintView,
  type RunComparison,
  type StepComparison,
} from '../../shared/api-compare.js';
import type { RunStatus, StepStatus } from '../../shared/events.js';
import { DURATION_FLOOR_MS, median, normalRange, isOutside, type NormalRange } from '../../shared/normal-range.js';
import type { IdentifierFailure } from '../queries/error-groups.js';
import { identifierStreaks } from '../routes/identifier-streaks.js';

/** Entries per error list: a run with 50 000 failing records must not answer with a 10 MB comparison. */
export const COMPARE_LIST_LIMIT = 200;

export interface Figures {
  durationMs: number | null;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

export interface StepFigures extends Figures {
  name: string;
  status: StepStatus;
}

export interface RunFigures extends Figures {
  id: number;
  runKey: string;
  status: RunStatus;
  startedAt: number | null;
  /** In the run's order. */
  steps: StepFigures[];
}

/** A run's errors of one (system, identifier). */
export interface ErrorTally {
  system: string | null;
  identifier: string | null;
  count: number;
  /** The latest message. */
  message: string;
  /** When the latest of them was logged (ms). */
  lastSeen: number;
}

export interface FingerprintTally {
  fingerprint: string;
  message: string;
  system: string | null;
  count: number;
}

export type Baseline =
  | { kind: 'last-success' | 'previous' | 'run'; run: RunFigures; errors: ErrorTally[] }
  /** The medians of `history`; errors are compared with its newest run's (`errors`). */
  | { kind: 'median'; errors: ErrorTally[] };

export interface CompareInput {
  run: RunFigures;
  errors: ErrorTally[];
  fingerprints: FingerprintTally[];
  /** Null when there is nothing to compare with. */
  baseline: Baseline | null;
  /** The last RANGE_WINDOW_RUNS successful runs before this one, newest first: the normal ranges, and `median`. */
  history: RunFigures[];
  /**
   * Each earlier finished run's failing (system, identifier) keys (see errorKey), newest first. Pulled lazily, and
   * only while some key of this run is still on a streak.
   */
  earlierFailures: Iterable<ReadonlySet<string>>;
  /** Fingerprints seen in the pipeline's runs before this one. */
  knownFingerprints: ReadonlySet<string>;
}

/** The key errors are matched by: one record in one system. JSON so no separator can be forged by a value. */
export function errorKey(system: string | null, identifier: string | null): string {
  return JSON.stringify([system, identifier]);
}

function figureChange(current: number | null, baseline: number | null, range: NormalRange | null): FigureChange {
  const known = current !== null && baseline !== null;
  const change = known ? current - baseline : null;
  let changePct: number | null = null;
  if (change !== null && baseline !== null)
    changePct = baseline === 0 ? (change === 0 ? 0 : null) : (change / baseline) * 100;
  return { current, baseline, change, changePct, range, outside: isOutside(current, range) };
}

function rangesOf(samples: readonly Figures[]): Record<ComparedFigure, NormalRange | null> {
  const ranges = {} as Record<ComparedFigure, NormalRange | null>;
  for (const figure of COMPARED_FIGURES)
    ranges[figure] = normalRange(
      samples.map((s) => s[figure]),
      figure === 'durationMs' ? DURATION_FLOOR_MS : 0,
    );
  return ranges;
}

function figureChanges(
  current: Figures | null,
  baseline: Figures | null,
  ranges: Record<ComparedFigure, NormalRange | null>,
): FigureChanges {
  const changes = {} as FigureChanges;
  for (const figure of COMPARED_FIGURES)
    changes[figure] = figureChange(current?.[figure] ?? null, baseline?.[figure] ?? null, ranges[figure]);
  return changes;
}

const anyOutside = (changes: FigureChanges): boolean => COMPARED_FIGURES.some((f) => changes[f].outside);

/** Per figure, the median over the runs that have a value. */
function medianFigures(samples: readonly Figures[]): Figures {
  const of = (figure: ComparedFigure): number | null =>
    median(samples.flatMap((s) => (s[figure] === null ? [] : [s[figure]])));
  return {
    durationMs: of('durationMs'),
    created: of('created') ?? 0,
    updated: of('updated') ?? 0,
    skipped: of('skipped') ?? 0,
    failed: of('failed') ?? 0,
  };
}

function mostCommon<T>(values: readonly T[]): T | null {
  const tally = new Map<T, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  for (const [v, n] of tally)
    if (n > bestCount) {
      best = v;
      bestCount = n;
    }
  return best;
}

interface BaselineSteps {
  figures: Figures | null;
  steps: Map<string, { figures: Figures; status: StepStatus | null }>;
}

/**
 * The baseline's run totals and steps. For `median`, a step belongs to the baseline when at least half the runs of
 * the window had it (a step renamed two runs ago is not "missing" for a median of ten), with the medians of its
 * figures over the runs that had it, and its most common status.
 */
function baselineSteps(baseline: Baseline, history: readonly RunFigures[]): BaselineSteps {
  if (baseline.kind !== 'median') {
    return {
      figures: baseline.run,
      steps: new Map(baseline.run.steps.map((s) => [s.name, { figures: s, status: s.status }])),
    };
  }
  const byName = new Map<string, StepFigures[]>();
  for (const run of history)
    for (const step of run.steps) {
      const list = byName.get(step.name) ?? [];
      list.push(step);
      byName.set(step.name, list);
    }
  const steps = new Map<string, { figures: Figures; status: StepStatus | null }>();
  for (const [name, samples] of byName)
    if (samples.length * 2 >= history.length)
      steps.set(name, { figures: medianFigures(samples), status: mostCommon(samples.map((s) => s.status)) });
  return { figures: history.length > 0 ? medianFigures(history) : null, steps };
}

function stepRanges(history: readonly RunFigures[], name: string): Record<ComparedFigure, NormalRange | null> {
  return rangesOf(history.flatMap((run) => run.steps.filter((s) => s.name === name)));
}

function compareSteps(input: CompareInput, baseline: BaselineSteps | null): StepComparison[] {
  const result: StepComparison[] = [];
  const seen = new Set<string>();
  for (const step of input.run.steps) {
    seen.add(step.name);
    const before = baseline?.steps.get(step.name);
    const figures = figureChanges(step, before?.figures ?? null, stepRanges(input.history, step.name));
    result.push({
      name: step.name,
      presence: baseline === null || before !== undefined ? 'both' : 'added',
      status: step.status,
      baselineStatus: before?.status ?? null,
      figures,
      outside: anyOutside(figures),
    });
  }
  for (const [name, before] of baseline?.steps ?? []) {
    if (seen.has(name)) continue;
    // Nothing ran, so nothing is outside a range: the step's absence is the news.
    const figures = figureChanges(null, before.figures, stepRanges([], name));
    result.push({ name, presence: 'missing', status: null, baselineStatus: before.status, figures, outside: false });
  }
  return result;
}

function listOf(items: ErrorKeyView[]): ErrorListView {
  const sorted = items.sort(
    (a, b) =>
      b.consecutiveRuns - a.consecutiveRuns ||
      b.count - a.count ||
      (a.system ?? '').localeCompare(b.system ?? '') ||
      (a.identifier ?? '').localeCompare(b.identifier ?? ''),
  );
  return { items: sorted.slice(0, COMPARE_LIST_LIMIT), total: sorted.length };
}

function compareErrors(input: CompareInput, baselineErrors: readonly ErrorTally[]): ErrorsComparison {
  const current = new Map(input.errors.map((e) => [errorKey(e.system, e.identifier), e]));
  const before = new Map(baselineErrors.map((e) => [errorKey(e.system, e.identifier), e]));
  // The existing streak logic, fed with this run first and then each earlier finished run.
  const failures = new Map<string, IdentifierFailure>(
    [...current].map(([key, e]) => [key, { message: e.message, time: e.lastSeen }]),
  );
  const runs = (function* (): Generator<ReadonlyMap<string, IdentifierFailure>> {
    yield failures;
    for (const keys of input.earlierFailures)
      yield new Map([...keys].map((key) => [key, { message: '', time: 0 } satisfies IdentifierFailure]));
  })();
  const streaks = new Map(identifierStreaks(runs, 1).map((s) => [s.identifier, s.consecutiveRuns]));

  const view = (key: string, e: ErrorTally): ErrorKeyView => ({
    system: e.system,
    identifier: e.identifier,
    count: e.count,
    message: e.message,
    consecutiveRuns: streaks.get(key) ?? 0,
  });
  const fresh: ErrorKeyView[] = [];
  const still: ErrorKeyView[] = [];
  for (const [key, e] of current) (before.has(key) ? still : fresh).push(view(key, e));
  const resolved = [...before]
    .filter(([key]) => !current.has(key))
    .map(([, e]) => ({ ...view('', e), consecutiveRuns: 0 }));
  return { new: listOf(fresh), stillFailing: listOf(still), resolved: listOf(resolved) };
}

function newFingerprints(input: CompareInput): NewFingerprintView[] {
  return input.fingerprints
    .filter((f) => !input.knownFingerprints.has(f.fingerprint))
    .sort((a, b) => b.count - a.count || a.fingerprint.localeCompare(b.fingerprint))
    .slice(0, COMPARE_LIST_LIMIT)
    .map((f) => ({ fingerprint: f.fingerprint, message: f.message, system: f.system, count: f.count }));
}

function baselineView(baseline: Baseline, history: readonly RunFigures[]): BaselineView {
  if (baseline.kind === 'median')
    return {
      kind: 'median',
      runId: null,
      runKey: null,
      status: null,
      startedAt: null,
      runIds: history.map((r) => r.id),
    };
  const run = baseline.run;
  return {
    kind: baseline.kind,
    runId: run.id,
    runKey: run.runKey,
    status: run.status,
    startedAt: run.startedAt,
    runIds: [run.id],
  };
}

export function compareRuns(input: CompareInput): RunComparison {
  // A median of no runs is no baseline.
  const baseline = input.baseline?.kind === 'median' && input.history.length === 0 ? null : input.baseline;
  const before = baseline === null ? null : baselineSteps(baseline, input.history);
  const totals = figureChanges(input.run, before?.figures ?? null, rangesOf(input.history));
  const steps = compareSteps(input, before);
  return {
    runId: input.run.id,
    baseline: baseline === null ? null : baselineView(baseline, input.history),
    rangeRuns: input.history.length,
    totals,
    steps,
    added: baseline === null ? [] : steps.filter((s) => s.presence === 'added').map((s) => s.name),
    missing: steps.filter((s) => s.presence === 'missing').map((s) => s.name),
    skipped:
      baseline === null
        ? []
        : steps
            .filter((s) => s.presence === 'both' && s.status === 'skipped' && s.baselineStatus !== 'skipped')
            .map((s) => s.name),
    errors: baseline === null ? null : compareErrors(input, baseline.errors),
    newFingerprints: newFingerprints(input),
    outside: anyOutside(totals) || steps.some((s) => s.outside),
  };
}
