// How a run's status shows: one tone per visible state, including "success with failed records".
import type { RunStatus, StepStatus } from '../shared/events.js';

export type RunTone = 'running' | 'success' | 'partial' | 'failure' | 'abandoned' | 'ended';
export type StepTone = StepStatus;

export const TONE_LABELS: Record<RunTone, string> = {
  running: 'running',
  success: 'success',
  partial: 'success with failed records',
  failure: 'failure',
  abandoned: 'abandoned',
  ended: 'ended (outcome not recorded)',
};

/** A run that succeeded but counted failed records is not plain green. */
export function runTone(run: { status: RunStatus; failed: number }): RunTone {
  if (run.status === 'success' && run.failed > 0) return 'partial';
  return run.status;
}

/** CSS custom property holding the colour of a tone (defined once in index.html for light and dark). */
export function toneColorVar(tone: RunTone | StepTone): string {
  return `var(--tone-${tone})`;
}

/** Short glyph shown next to the colour so status never depends on colour alone. */
export const TONE_GLYPHS: Record<RunTone | StepTone, string> = {
  running: '●',
  success: '✓',
  partial: '◐',
  failure: '✕',
  abandoned: '⊘',
  ended: '◌',
  skipped: '–',
};
