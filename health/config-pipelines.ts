// The config file's `pipelines:` section: each entry checked (names, zone, schedule, durations, identifier
// fields, no entry twice) and typed. Problems go to the file's reporter; what was valid is returned.
import { readString } from '../alerts/config-values.js';
import { checkKeys, pathText, type ConfigJson, type Report, type Segment } from './config-keys.js';
import { parseDuration } from './duration.js';
import { compileSchedule, isValidTimezone } from './schedule.js';

/** One `pipelines:` entry. Only `pipeline` is required: an entry may exist just to set grace or maxDuration. */
export interface PipelineScheduleConfig {
  pipeline: string;
  /** null: this pipeline in every club (an entry naming the club wins over it). */
  club: string | null;
  /** 5 fields, 6 with seconds first, or a shortcut; null: the schedule comes from a crontab or the run. */
  schedule: string | null;
  /** IANA zone as written; null: the machine's (applied when the schedule is resolved). */
  timezone: string | null;
  /** A run not started by due + grace is late. Default 5 min. */
  graceMs: number;
  /** A running run past this is stuck; null: learned from the pipeline's history. */
  maxDurationMs: number | null;
  /** Fields of this pipeline's error lines that name the failing record, tried before the global list. */
  identifierFields: string[] | null;
  /** Where it is in the document, e.g. `pipelines[2]`. */
  path: string;
}

export const DEFAULT_GRACE_MS = 5 * 60_000;

const PIPELINE_KEYS = ['pipeline', 'club', 'schedule', 'timezone', 'grace', 'maxDuration', 'identifierFields'];
const DURATION_HINT = 'a duration such as 90s, 15m, 2h, 1d (or a number of ms)';

export function readPipelines(value: ConfigJson | undefined, report: Report): PipelineScheduleConfig[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(['pipelines'], 'must be a list of entries (- pipeline: NAME ...)');
    return [];
  }
  const out: PipelineScheduleConfig[] = [];
  const seen = new Map<string, string>();
  value.forEach((item, index) => {
    const base: Segment[] = ['pipelines', index];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      report(base, 'must be a map with at least pipeline: NAME');
      return;
    }
    checkKeys(item, base, PIPELINE_KEYS, report);
    const name = (key: string, required: boolean): string | null => readString(item, key, base, report, required);
    const pipeline = name('pipeline', true);
    const club = name('club', false);

    const timezone = name('timezone', false);
    const timezoneOk = timezone === null || isValidTimezone(timezone);
    if (!timezoneOk) report([...base, 'timezone'], `"${timezone}" is not an IANA time zone (e.g. Europe/Amsterdam)`);

    const schedule = name('schedule', false);
    if (schedule !== null) {
      // The zone is reported on its own line above; check the expression in a zone known to exist.
      const checked = compileSchedule(schedule, timezone !== null && timezoneOk ? timezone : 'UTC');
      if (!checked.ok) report([...base, 'schedule'], checked.reason);
    }

    const graceMs = readDuration(item.grace, [...base, 'grace'], report) ?? DEFAULT_GRACE_MS;
    const maxDurationMs = readDuration(item.maxDuration, [...base, 'maxDuration'], report);
    const identifierFields = readStringList(item.identifierFields, [...base, 'identifierFields'], report);

    if (pipeline === null) return;
    const key = `${club ?? '*'}\n${pipeline}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      report(
        base,
        `${pipeline}${club === null ? ' (every club)' : ` (club ${club})`} is already configured at ${earlier}`,
      );
      return;
    }
    seen.set(key, pathText(base));
    out.push({ pipeline, club, schedule, timezone, graceMs, maxDurationMs, identifierFields, path: pathText(base) });
  });
  return out;
}

function readDuration(value: ConfigJson | undefined, segments: Segment[], report: Report): number | null {
  if (value === undefined || value === null) return null;
  const ms = typeof value === 'number' || typeof value === 'string' ? parseDuration(String(value)) : null;
  if (ms === null) report(segments, `${JSON.stringify(value)} is not ${DURATION_HINT}`);
  return ms;
}

export function readStringList(value: ConfigJson | undefined, segments: Segment[], report: Report): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) {
    report(segments, 'must be a list of strings, e.g. [knvb_id]');
    return null;
  }
  const out: string[] = [];
  value.forEach((item, index) => {
    if (typeof item === 'string' && item.trim() !== '') out.push(item.trim());
    else report([...segments, index], 'must be a non-empty string');
  });
  return out;
}
