// Which run a file feeds: decided once per file, from its first accepted line, else from its path.
import type { ParsedLine } from '../shared/events.js';
import { RUN_FILE_EXTENSION, runPartsFromPath } from '../shared/run-path.js';

/** The natural key of a run: unique (club, pipeline, runKey) in `runs`. */
export interface RunIdentity {
  club: string;
  pipeline: string;
  runKey: string;
}

/** A line's `club`/`pipeline`/`run` fields where present, the file's path (`club/pipeline/run.ndjson`) for the rest. */
export function runIdentityOf(firstLine: ParsedLine | null, relativePath: string): RunIdentity {
  const fromPath = runPartsFromPath(relativePath);
  return {
    club: firstLine?.club ?? fromPath.club,
    pipeline: firstLine?.pipeline ?? fromPath.pipeline,
    runKey: firstLine?.run ?? fromPath.run,
  };
}

/**
 * Identities to try, in order, when a file's natural identity is already taken by another live file
 * (two files claiming the same `run`): the path's run name, then the whole relative path, which is unique.
 */
export function fallbackIdentities(natural: RunIdentity, relativePath: string): RunIdentity[] {
  const fromPath = runPartsFromPath(relativePath);
  const stem = relativePath.endsWith(RUN_FILE_EXTENSION)
    ? relativePath.slice(0, -RUN_FILE_EXTENSION.length)
    : relativePath;
  const candidates: RunIdentity[] = [
    { ...natural, runKey: fromPath.run },
    { ...natural, runKey: stem },
  ];
  return candidates.filter((c) => c.runKey !== natural.runKey);
}
