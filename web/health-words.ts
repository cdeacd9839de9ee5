// A pipeline's health in words for the overview and the pipeline page. Pure (now is a parameter), unit-tested in
// node. The schedule's words come from the server (cronstrue runs there), so the browser bundle doesn't carry it.
import type { HealthState, PipelineHealth } from '../shared/health.js';

/** Sort key: health's urgency (0 = most urgent); pipelines without health after every judged one. */
export function urgencyOf(health: PipelineHealth | null): number {
  return health === null ? Number.MAX_SAFE_INTEGER : health.urgency;
}

/** States worth drawing attention to on the overview: every state but `running` and `ok`. */
type QuietState = Extract<HealthState, 'running' | 'ok'>;
const ATTENTION_LIST = [
  'missed',
  'late',
  'stuck',
  'failing',
  'overlap',
  'too-short',
  'unstable',
] as const satisfies readonly HealthState[];
export const ATTENTION_STATES: ReadonlySet<string> = new Set(ATTENTION_LIST);
// A state added to shared/health.ts must be placed in one of the two lists: this fails to compile until it is.
const _everyStatePlaced: HealthState extends (typeof ATTENTION_LIST)[number] | QuietState ? true : never = true;
void _everyStatePlaced;

/** `2 h`, `12 min`, `40 s`: the largest whole unit, for "next run in …" and "late by …". */
export function roughDuration(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < 60_000) return `${Math.max(1, Math.floor(abs / 1000))} s`;
  if (abs < 3_600_000) return `${Math.floor(abs / 60_000)} min`;
  if (abs < 86_400_000) return `${Math.floor(abs / 3_600_000)} h`;
  return `${Math.floor(abs / 86_400_000)} d`;
}

/** "At 03:00" → "at 03:00", to read inside a sentence. */
function inSentence(text: string): string {
  return text.length > 0 ? text[0]!.toLowerCase() + text.slice(1) : text;
}

/**
 * The one line a row shows about the schedule: "late by 12 min", "missed: due 2 h ago", or
 * "next run in 2 h (at 03:00)"; null when there is no schedule.
 */
export function scheduleLine(health: PipelineHealth | null, now: number): string | null {
  if (health === null || health.schedule === null) return null;
  const words = health.scheduleText ?? health.schedule;
  if (health.state === 'late' && health.lastDueAt !== null) return `late by ${roughDuration(now - health.lastDueAt)}`;
  if (health.state === 'missed' && health.lastDueAt !== null) {
    return `missed: last due ${roughDuration(now - health.lastDueAt)} ago (${inSentence(words)})`;
  }
  if (health.nextDueAt === null) return inSentence(words);
  return `next run in ${roughDuration(health.nextDueAt - now)} (${inSentence(words)})`;
}
