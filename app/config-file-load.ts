// Reads the config file (`--config FILE` / RUNBOARD_CONFIG) and judges it with health/config-file.ts: the same
// code path for `runboard start`, `runboard check-config` and a SIGHUP reload, so all three agree on what is valid.
import { readFileSync } from 'node:fs';
import { formatConfigProblem, parseConfigFile, type RunboardFileConfig } from '../health/config-file.js';

export type LoadedConfigFile = { ok: true; config: RunboardFileConfig } | { ok: false; problems: string[] };

/** One line per problem (`file:line:col: path: what`), never an exception. */
export function loadConfigFile(file: string, env: Readonly<Record<string, string | undefined>>): LoadedConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'not readable by this user'
          : code === 'EISDIR'
            ? 'is a directory, not a file'
            : error instanceof Error
              ? error.message
              : String(error);
    return { ok: false, problems: [`${file}: cannot read the config file: ${why}`] };
  }
  const parsed = parseConfigFile(text, { file, env });
  return parsed.ok ? parsed : { ok: false, problems: parsed.problems.map(formatConfigProblem) };
}
