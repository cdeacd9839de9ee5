/** One `runboard` subcommand. */
export interface Command {
  name: string;
  /** e.g. `runboard exec --pipeline NAME [options] -- <command> [args...]` */
  usage: string;
  summary: string;
  /** [flag, description] pairs, printed by --help. */
  options: Array<[string, string]>;
  /** Runs the command; resolves with the process exit code. */
  run(argv: string[]): Promise<number>;
}
