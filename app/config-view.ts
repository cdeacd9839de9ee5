// GET /api/config's body: the loaded config file with secrets masked (health/config-file.ts), the crontabs read,
// and for every judged pipeline the schedule it is judged by and where that came from.
import { maskConfigForDisplay, type RunboardFileConfig } from '../health/config-file.js';
import type { ConfigView } from '../shared/api.js';
import type { CrontabFileStatus } from './crontab-sources.js';
import type { PipelineHealthEntry } from './health-monitor.js';

export function buildConfigView(
  loaded: { config: RunboardFileConfig; loadedAt: number } | null,
  crontabs: CrontabFileStatus[],
  pipelines: PipelineHealthEntry[],
  publicUrl: string | null = null,
): ConfigView {
  return {
    publicUrl,
    file: loaded?.config.file ?? null,
    loadedAt: loaded?.loadedAt ?? null,
    document: loaded ? maskConfigForDisplay(loaded.config) : {},
    crontabs,
    pipelines: pipelines
      .map((item) => ({
        club: item.club,
        pipeline: item.pipeline,
        schedule: item.health.schedule,
        scheduleText: item.health.scheduleText,
        scheduleSource: item.health.scheduleSource,
        timezone: item.health.timezone,
        graceMs: item.policy.graceMs,
        maxDurationMs: item.policy.maxDurationMs,
        configPath: item.policy.configPath,
        ignored: item.policy.ignored,
      }))
      .sort((a, b) => a.club.localeCompare(b.club) || a.pipeline.localeCompare(b.pipeline)),
  };
}
