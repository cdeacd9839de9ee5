// Defaults that both sides of the file boundary need, written once: pipelines' run logger and `runboard exec` (where
// run files go), and the daemon (where it reads them, its database, how long runs are kept and when a silent one is
// abandoned). app/config.ts shows and applies them; libraries take resolved values and fall back to these.
// (The line limits, DEFAULT_MAX_LINE_BYTES and DEFAULT_MAX_DEPTH, are part of the line contract in events.ts.)

/** The environment variable naming the runs directory, read by the run logger and by `runboard start`. */
export const RUNS_DIR_ENV = 'RUNBOARD_RUNS_DIR';
export const DEFAULT_RUNS_DIR = './data/runs';

/** The environment variable naming the database file, read by `runboard start` and `runboard migrate`. */
export const DB_FILE_ENV = 'RUNBOARD_DB';
export const DEFAULT_DB_FILE = './data/dashboard.sqlite';

/** Runs not seen written for this many days are deleted. */
export const DEFAULT_RETENTION_DAYS = 90;

/** A running run silent this long without a run.end is abandoned. */
export const DEFAULT_STALE_AFTER_MS = 60 * 60 * 1000;
