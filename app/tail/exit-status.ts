// `--exit-status` (as `gh run watch --exit-status`): the run's final status decides the exit code.
import type { RunView } from '../../shared/api.js';

export const EXIT_SUCCESS = 0;
/** The run ended any other way than success: failure, abandoned, or an outcome not recorded. */
export const EXIT_RUN_FAILED = 1;
/** Bad flags, a refused token, a run that does not exist. */
export const EXIT_USAGE = 2;

/** null while the run is still running; otherwise the exit code it stands for. */
export function exitCodeForRun(status: RunView['status']): number | null {
  if (status === 'running') return null;
  // Only a recorded success is a success: a deploy script must not go on after a run nobody saw succeed.
  return status === 'success' ? EXIT_SUCCESS : EXIT_RUN_FAILED;
}
