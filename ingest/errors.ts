// Ingest's errors for callers to act on, each with a stable machine-readable code (as fastify's FST_ERR_*): the
// caller tells them by class or code, never by parsing a message.

/** Another ingest daemon holds the database's instance lock. Its message is one line, for the operator. */
export class InstanceLockedError extends Error {
  override name = 'InstanceLockedError';
  readonly code = 'RB_ERR_INSTANCE_LOCKED';
  constructor(
    readonly dbFile: string,
    /** Who holds it, as its holder noted (`pid 12 on host since ...`), or null when no note could be read. */
    readonly holder: string | null,
    readonly lockFile: string,
    options?: ErrorOptions,
  ) {
    super(
      `another ingest daemon is already running on ${dbFile}${holder === null ? '' : ` (held by ${holder})`}; ` +
        `stop it first (lock: ${lockFile})`,
      options,
    );
  }
}
