// The process edge's errors, each with a stable machine-readable code (as fastify's FST_ERR_*): `runboard start`
// turns them into an exit code and one line for the operator.

/** A start-up failure the operator can fix; its message is the one line printed. */
export class StartupError extends Error {
  override name = 'StartupError';
  readonly code = 'RB_ERR_STARTUP';
  /** 2 for a path the configuration names that cannot be used (as for a bad flag), 1 otherwise. */
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** Start-up was interrupted by `signal`; everything started was stopped cleanly. */
export class StartupAborted extends Error {
  override name = 'StartupAborted';
  readonly code = 'RB_ERR_STARTUP_ABORTED';
}
