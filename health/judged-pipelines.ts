// Which pipelines health judges: every pipeline with a run, plus those only the config or a crontab names (a job
// that never ran is news too). Pure, shared by the health shell and `runboard alerts backtest`, so both judge the
// same set.
import { DEFAULT_CLUB } from '../shared/run-path.js';
import type { PipelineKey, ScheduleSources } from './resolve-schedule.js';

export function pipelinesToJudge(withRuns: readonly PipelineKey[], sources: ScheduleSources): PipelineKey[] {
  const keys = new Map<string, PipelineKey>();
  const add = (key: PipelineKey): void => void keys.set(`${key.club}\n${key.pipeline}`, key);
  for (const key of withRuns) add(key);
  const hasRuns = new Set(withRuns.map((key) => key.pipeline));
  for (const entry of sources.config) {
    if (entry.schedule === null) continue;
    if (entry.club !== null) add({ club: entry.club, pipeline: entry.pipeline });
    // An every-club entry for a pipeline with no run yet: exec's default club is where its first run lands.
    else if (!hasRuns.has(entry.pipeline)) add({ club: DEFAULT_CLUB, pipeline: entry.pipeline });
  }
  for (const entry of sources.crontab) add({ club: entry.club ?? DEFAULT_CLUB, pipeline: entry.pipeline });
  return [...keys.values()];
}
