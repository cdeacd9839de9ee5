// The handshake between `runboard exec` and a `startRun` inside the command it wraps.
// exec sets these variables on its child; startRun finding them joins exec's run instead of starting its own.
import type { RunPathParts } from './run-path.js';

export const EXEC_RUN_ENV = 'RUNBOARD_EXEC_RUN';
export const EXEC_PIPELINE_ENV = 'RUNBOARD_EXEC_PIPELINE';
export const EXEC_CLUB_ENV = 'RUNBOARD_EXEC_CLUB';

/** The run a process was started in by `runboard exec`: the same three names that place a run's file. */
export type ExecRunIdentity = RunPathParts;

export function execRunEnv(identity: ExecRunIdentity): Record<string, string> {
  return {
    [EXEC_RUN_ENV]: identity.run,
    [EXEC_PIPELINE_ENV]: identity.pipeline,
    [EXEC_CLUB_ENV]: identity.club,
  };
}

/** The wrapping exec run, or null when this process is not running under `runboard exec`. */
export function execRunFromEnv(env: NodeJS.ProcessEnv = process.env): ExecRunIdentity | null {
  const run = env[EXEC_RUN_ENV];
  const pipeline = env[EXEC_PIPELINE_ENV];
  const club = env[EXEC_CLUB_ENV];
  if (!run || !pipeline || !club) return null;
  return { run, pipeline, club };
}
