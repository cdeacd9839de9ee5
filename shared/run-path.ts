// Where a run's file lives: <runsDir>/<club>/<pipeline>/<runId>.ndjson, and the reverse.
import { join, relative, sep } from 'node:path';

export const DEFAULT_CLUB = 'default';
export const RUN_FILE_EXTENSION = '.ndjson';

export interface RunPathParts {
  club: string;
  pipeline: string;
  run: string;
}

/** Path segments must not escape the runs directory or hide. */
export function safeSegment(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return cleaned === '' ? '_' : cleaned.slice(0, 120);
}

export function runFilePath(runsDir: string, parts: RunPathParts): string {
  return join(
    runsDir,
    safeSegment(parts.club),
    safeSegment(parts.pipeline),
    safeSegment(parts.run) + RUN_FILE_EXTENSION,
  );
}

/**
 * Identity of a run from its file's path relative to the runs directory (forward or native slashes).
 * `club/pipeline/run.ndjson`; `pipeline/run.ndjson` gets the default club; deeper paths use the last three levels.
 */
export function runPartsFromPath(relativePath: string): RunPathParts {
  const segments = relativePath.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  const file = segments.pop() ?? 'run';
  const run = file.endsWith(RUN_FILE_EXTENSION) ? file.slice(0, -RUN_FILE_EXTENSION.length) : file;
  const pipeline = segments.pop() ?? 'default';
  const club = segments.pop() ?? DEFAULT_CLUB;
  return { club, pipeline, run };
}

/** A path relative to the runs directory with forward slashes, as stored in the database. */
export function relativeRunPath(runsDir: string, absolutePath: string): string {
  return relative(runsDir, absolutePath).split(sep).join('/');
}
