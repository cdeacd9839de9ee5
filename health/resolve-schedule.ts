// Which schedule a pipeline is judged by, and where it came from: the config file, then a crontab line, then the
// schedule its latest run declared on run.start. The UI and GET /api/pipelines show the source, so an operator can
// tell why runboard expects a run at 03:00.
import { DEFAULT_CLUB } from '../shared/run-path.js';
import { DEFAULT_GRACE_MS, type PipelineScheduleConfig } from './config-file.js';
import type { CrontabEntry } from './crontab.js';
import { compileSchedule, type CompiledSchedule } from './schedule.js';

export type ScheduleSourceKind = 'config' | 'crontab' | 'run';

export interface ResolvedSchedule {
  expression: string;
  /** Always set: the machine's zone when no source named one. */
  timezone: string;
  sourceKind: ScheduleSourceKind;
  /** What the UI shows: `config`, the crontab's `file:line`, or `run`. */
  source: string;
  compiled: CompiledSchedule;
}

/** Everything health needs to know about one pipeline besides its runs. */
export interface HealthPolicy {
  schedule: ResolvedSchedule | null;
  /** From the config entry, else 5 min: applies whatever the schedule's source. */
  graceMs: number;
  /** From the config entry; null: learned from history. Applies with or without a schedule. */
  maxDurationMs: number | null;
  identifierFields: string[] | null;
  /** The config entry that applied (`pipelines[2]`), if any. */
  configPath: string | null;
  /** Sources that named a schedule but lost or could not be used, each with why (for GET /api/config). */
  ignored: string[];
}

export interface ScheduleSources {
  config: readonly PipelineScheduleConfig[];
  /** Entries of every configured crontab, in the order the config lists the files. */
  crontab: readonly CrontabEntry[];
  /** The zone for schedules that name none: pass machineTimezone(). */
  defaultTimezone: string;
}

/** `schedule` and `timezone` from the pipeline's latest run.start that carried them. */
export interface RunDeclaredSchedule {
  schedule: string;
  timezone: string | null;
}

export interface PipelineKey {
  club: string;
  pipeline: string;
}

/**
 * The config entry naming this club wins over an every-club entry for the same pipeline, as a whole (fields are not
 * merged, so one entry says everything that applies). A crontab line without --club schedules exec's default club.
 * When several crontab lines run the same pipeline, the first one counts and the others are listed as ignored.
 */
export function resolveHealthPolicy(
  key: PipelineKey,
  sources: ScheduleSources,
  fromRun: RunDeclaredSchedule | null,
): HealthPolicy {
  const entry =
    sources.config.find((c) => c.pipeline === key.pipeline && c.club === key.club) ??
    sources.config.find((c) => c.pipeline === key.pipeline && c.club === null) ??
    null;
  const ignored: string[] = [];
  const zoneFallback = entry?.timezone ?? sources.defaultTimezone;

  const candidates: Array<{ kind: ScheduleSourceKind; source: string; expression: string; timezone: string }> = [];
  if (entry?.schedule) {
    candidates.push({ kind: 'config', source: 'config', expression: entry.schedule, timezone: zoneFallback });
  }
  for (const line of sources.crontab) {
    if (line.pipeline !== key.pipeline || (line.club ?? DEFAULT_CLUB) !== key.club) continue;
    // cron reads the line in its CRON_TZ, else the machine's zone; a timezone in the config entry says which that is.
    candidates.push({
      kind: 'crontab',
      source: line.source,
      expression: line.schedule,
      timezone: line.timezone ?? zoneFallback,
    });
  }
  if (fromRun) {
    candidates.push({
      kind: 'run',
      source: 'run',
      expression: fromRun.schedule,
      timezone: fromRun.timezone ?? zoneFallback,
    });
  }

  let schedule: ResolvedSchedule | null = null;
  for (const candidate of candidates) {
    if (schedule) {
      ignored.push(`${candidate.source}: "${candidate.expression}" (${schedule.source} takes precedence)`);
      continue;
    }
    const compiled = compileSchedule(candidate.expression, candidate.timezone);
    if (!compiled.ok) {
      ignored.push(`${candidate.source}: ${compiled.reason}`);
      continue;
    }
    schedule = {
      expression: compiled.schedule.expression,
      timezone: candidate.timezone,
      sourceKind: candidate.kind,
      source: candidate.source,
      compiled: compiled.schedule,
    };
  }

  return {
    schedule,
    graceMs: entry?.graceMs ?? DEFAULT_GRACE_MS,
    maxDurationMs: entry?.maxDurationMs ?? null,
    identifierFields: entry?.identifierFields ?? null,
    configPath: entry?.path ?? null,
    ignored,
  };
}
