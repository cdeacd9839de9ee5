// The package entry (`import { startRun } from 'runboard'`): the run logger pipelines use, `execRun`, the line
// parser, and the types of the event contract and of the REST/live API.
export {
  startRun,
  defaultRunsDir,
  DEFAULT_RUNS_DIR,
  RUNS_DIR_ENV,
  TRIGGER_ENV,
  type StartRunOptions,
  type RunHandle,
  type RunBindings,
  type RunErrorInput,
  type RunEndInput,
  type StepHandle,
  type StepErrorInput,
} from './run-logger.js';
export {
  execRunFromEnv,
  EXEC_RUN_ENV,
  EXEC_PIPELINE_ENV,
  EXEC_CLUB_ENV,
  type ExecRunIdentity,
} from './run-logger-exec-env.js';
export { execRun, FORWARDED_SIGNALS, type ExecRunOptions, type ExecRunResult } from './exec-run.js';
export { parseLine, type ParseOptions } from './parse-line.js';
export { newRunId } from './run-id.js';
export {
  runFilePath,
  runPartsFromPath,
  relativeRunPath,
  safeSegment,
  DEFAULT_CLUB,
  RUN_FILE_EXTENSION,
} from './run-path.js';
export { errorFingerprint, normaliseErrorMessage } from './error-fingerprint.js';
export * from './events.js';
export type * from './api.js';
