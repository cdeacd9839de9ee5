// Which fields name a failing record for one pipeline, from the config file: the entry for its club, else the
// entry for every club. Pure; the daemon tries these before the global `--identifier-fields`.
import type { RunboardFileConfig } from '../health/config-file.js';

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
