// SELECT lists that alias snake_case columns to the schema's row types (RunRow, StepRow, FileRecord), for raw
// statements: derived from the drizzle schema (shared/select-list.ts), as the server's queries derive theirs.
import { ingestFiles, runSteps, runs } from '../shared/schema.js';
import { selectList } from '../shared/select-list.js';

export const RUN_COLUMNS = selectList(runs);

export const STEP_COLUMNS = selectList(runSteps);

/** The columns of FileRecord (not the row's id or updatedAt, which the store never reads). */
export const FILE_COLUMNS = selectList(ingestFiles, undefined, [
  'path',
  'device',
  'inode',
  'fingerprint',
  'fingerprintBytes',
  'committedOffset',
  'runId',
  'generation',
]);
