// Which fields name a failing record for one pipeline, first present wins. Pure; the daemon asks per batch, so a
// reloaded config file applies from the next line on. Precedence: the config file's entry for the pipeline (its
// club's, else its every-club entry), tried first; then the file's top-level `identifierFields`, which replaces the
// `--identifier-fields` flag / RUNBOARD_IDENTIFIER_FIELDS list (itself defaulting to the built-in list).
import type { RunboardFileConfig } from '../health/config-file.js';

/** The pipeline entry's own list, or null. */
export function identifierFieldsOf(
  config: Pick<RunboardFileConfig, 'pipelines'> | null,
  club: string,
  pipeline: string,
): readonly string[] | null {
  if (config === null) return null;
  const entries = config.pipelines.filter((p) => p.pipeline === pipeline && p.identifierFields !== null);
  const own = entries.find((p) => p.club === club) ?? entries.find((p) => p.club === null);
  return own?.identifierFields ?? null;
}

/** Every field to try for one pipeline, in order: its own list, then the file's global list or else the flag's. */
export function identifierFieldsFor(
  config: Pick<RunboardFileConfig, 'pipelines' | 'identifierFields'> | null,
  club: string,
  pipeline: string,
  flagFields: readonly string[],
): readonly string[] {
  const own = identifierFieldsOf(config, club, pipeline) ?? [];
  const global = config?.identifierFields ?? null;
  const fallback = global !== null && global.length > 0 ? global : flagFields;
  // A field in both lists is tried once, at its first place.
  return [...new Set([...own, ...fallback])];
}
