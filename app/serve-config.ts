// The config `runboard start` and `runboard demo` serve with: resolved from the flags and the environment, with
// `--web-dir` checked before anything starts. Each problem goes to stderr as `runboard NAME: problem`.
import { resolveConfig, type RunboardConfig } from './config.js';
import { webDirProblem } from './web-dir.js';

/** The resolved config, or null after the problems were written (the command then exits 2). */
export function resolveServeConfig(commandName: string, argv: readonly string[]): RunboardConfig | null {
  const resolved = resolveConfig(argv, process.env, process.cwd());
  if (!resolved.ok) {
    for (const problem of resolved.problems) process.stderr.write(`runboard ${commandName}: ${problem}\n`);
    return null;
  }
  const config = resolved.config;
  const webProblem = config.webDir === null ? null : webDirProblem(config.webDir);
  if (webProblem !== null) {
    process.stderr.write(`runboard ${commandName}: ${webProblem}\n`);
    return null;
  }
  return config;
}
