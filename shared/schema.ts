// dashboard.sqlite schema. Migrations are generated from this file by drizzle-kit into drizzle/.
// Times are ms since epoch (INTEGER). JSON columns hold text produced by JSON.stringify.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { RunStatus, StepStatus } from './events.js';
import type { HealthState } from './health.js';
import type { AlertKind, DeliveryStatus } from './alerts.js';

/** One run of one pipeline. Identified by (club, pipeline, run key); `id` is the surrogate used everywhere else. */
export const runs = sqliteTable(
  'runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The run id as written by the pipeline (`run` field) or taken from the file name. */
    runKey: text('run_key').notNull(),
    clubSlug: text('club_slug').notNull(),
    pipeline: text('pipeline').notNull(),
    trigger: text('trigger'),
    status: text('status').$type<RunStatus>().notNull().default('running'),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    durationMs: integer('duration_ms'),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    logCount: integer('log_count').notNull().default(0),
    host: text('host'),
    pid: integer('pid'),
    exitCode: integer('exit_code'),
    /** Why the run ended as it did (run.end `reason`, or why it was marked abandoned). */
    endReason: text('end_reason'),
    /** run.end `stats`, JSON. */
    summary: text('summary'),
    lastEventAt: integer('last_event_at'),
    sourceFile: text('source_file'),
  },
  (t) => [
    uniqueIndex('runs_identity').on(t.clubSlug, t.pipeline, t.runKey),
    index('runs_pipeline_started').on(t.clubSlug, t.pipeline, t.startedAt),
    index('runs_started').on(t.startedAt),
    // Filtered run lists page newest first: the sort comes from the index, not a temporary B-tree.
    index('runs_status_started').on(t.status, t.startedAt),
    index('runs_club_started').on(t.clubSlug, t.startedAt),
  ],
);

export const runSteps = sqliteTable(
  'run_steps',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    clubSlug: text('club_slug').notNull(),
    /** Order in which the step first appeared in the run. */
    seq: integer('seq').notNull(),
    status: text('status').$type<StepStatus>().notNull().default('running'),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    durationMs: integer('duration_ms'),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    progressDone: integer('progress_done'),
    progressTotal: integer('progress_total'),
    /**
     * JSON of the counts the step's current execution last reported on step.progress (cumulative for it), or null
     * when it reported none or its step.end came. The fold needs them to replace, not add, the next figures (see fold.ts).
     */
    progressCounts: text('progress_counts'),
    stats: text('stats'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.name] })],
);

export const runErrors = sqliteTable(
  'run_errors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    /** Byte offset of the line in the run's file: with runId, makes a replay harmless. */
    offset: integer('offset').notNull(),
    clubSlug: text('club_slug').notNull(),
    pipeline: text('pipeline').notNull(),
    step: text('step'),
    identifier: text('identifier'),
    system: text('system'),
    message: text('message').notNull(),
    stack: text('stack'),
    /** Hash of the normalised message, for grouping recurring failures. */
    fingerprint: text('fingerprint').notNull(),
    time: integer('time').notNull(),
  },
  (t) => [
    uniqueIndex('run_errors_run_offset').on(t.runId, t.offset),
    index('run_errors_fingerprint').on(t.fingerprint, t.time),
    index('run_errors_identifier').on(t.identifier, t.time),
    index('run_errors_club_time').on(t.clubSlug, t.pipeline, t.time),
    index('run_errors_time').on(t.time),
  ],
);

export const runLogs = sqliteTable(
  'run_logs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    /** Byte offset of the line in its file: the line's position within the run. */
    offset: integer('offset').notNull(),
    time: integer('time').notNull(),
    level: integer('level').notNull(),
    /** Contract event carried by the line, null for a plain log line. */
    event: text('event'),
    step: text('step'),
    msg: text('msg'),
    /** The line's other fields, JSON; null when it had none. */
    data: text('data'),
  },
  (t) => [uniqueIndex('run_logs_run_offset').on(t.runId, t.offset)],
);

export const ingestFiles = sqliteTable('ingest_files', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Path relative to the runs directory, with forward slashes. */
  path: text('path').notNull().unique(),
  device: integer('device').notNull(),
  inode: integer('inode').notNull(),
  /** sha1 (hex) of the first `fingerprintBytes` bytes: the first line, capped. Null until known. */
  fingerprint: text('fingerprint'),
  fingerprintBytes: integer('fingerprint_bytes'),
  /** End of the last complete line ingested: everything before it is in the database. */
  committedOffset: integer('committed_offset').notNull().default(0),
  runId: integer('run_id').references(() => runs.id, { onDelete: 'set null' }),
  /** How many times this path was started over (truncated, replaced). */
  generation: integer('generation').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
});

export const ingestRejects = sqliteTable(
  'ingest_rejects',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Path relative to the runs directory. */
    file: text('file').notNull(),
    offset: integer('offset').notNull(),
    /** A parser rejection reason, or an ingest event such as `truncated`. */
    reason: text('reason').notNull(),
    detail: text('detail'),
    /** The first bytes of the line, decoded leniently. */
    excerpt: text('excerpt'),
    lineBytes: integer('line_bytes'),
    at: integer('at')
      .notNull()
      .default(sql`(cast(unixepoch('subsec') * 1000 as integer))`),
    /** The file's inode and start-over generation when the line was read: with `file` and `offset`, which bytes. */
    fileInode: integer('file_inode'),
    fileGeneration: integer('file_generation'),
  },
  (t) => [
    index('ingest_rejects_at').on(t.at),
    // A replay of the same bytes records nothing twice. Rows from before migration 0002 have no identity (NULL) and
    // stay out of the key rather than be merged.
    uniqueIndex('ingest_rejects_identity')
      .on(t.file, t.fileInode, t.fileGeneration, t.offset)
      .where(sql`file_inode IS NOT NULL`),
  ],
);

/**
 * Browser logins (POST /api/login). The cookie holds a random id; only its SHA-256 is stored, so the database never
 * holds a value that would log anyone in. Logout deletes the row; expired rows are refused and swept.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    /** An HMAC of the token the login proved: a changed token ends every session made with the old one. */
    tokenTag: text('token_tag').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_expires').on(t.expiresAt)],
);

/**
 * Each pipeline's current health (health/evaluate.ts judges it; ingest/health-store.ts writes it). Written only when
 * the state or its reason changes, so after a restart `since` is when the state really began and nothing is
 * announced again.
 */
export const pipelineHealth = sqliteTable(
  'pipeline_health',
  {
    clubSlug: text('club_slug').notNull(),
    pipeline: text('pipeline').notNull(),
    state: text('state').$type<HealthState>().notNull(),
    since: integer('since').notNull(),
    reason: text('reason').notNull(),
    /** When runboard started watching the pipeline: a pipeline with no run is late only for due times after it. */
    watchingSince: integer('watching_since').notNull(),
    /** When this verdict was reached (the last change). */
    evaluatedAt: integer('evaluated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clubSlug, t.pipeline] })],
);

/**
 * Every change of a pipeline's health state (from → to, since when, why), appended in the transaction that saves the
 * new state in `pipeline_health`, so the history and the current state can never disagree. Rows older than the
 * retention period are deleted with the runs (ingest/retention.ts).
 */
export const pipelineHealthHistory = sqliteTable(
  'pipeline_health_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clubSlug: text('club_slug').notNull(),
    pipeline: text('pipeline').notNull(),
    /** null for the first judgement of a pipeline (nothing stored before). */
    fromState: text('from_state').$type<HealthState>(),
    toState: text('to_state').$type<HealthState>().notNull(),
    /** When the new state began (the verdict's `since`; can be before `at`, e.g. late since due + grace). */
    since: integer('since').notNull(),
    reason: text('reason').notNull(),
    /** When the change was noticed and written. */
    at: integer('at').notNull(),
  },
  (t) => [
    index('pipeline_health_history_key').on(t.clubSlug, t.pipeline, t.id),
    index('pipeline_health_history_at').on(t.at),
  ],
);

export type RunRow = typeof runs.$inferSelect;
export type StepRow = typeof runSteps.$inferSelect;
export type ErrorRow = typeof runErrors.$inferSelect;
export type LogRow = typeof runLogs.$inferSelect;
export type IngestFileRow = typeof ingestFiles.$inferSelect;
export type RejectRow = typeof ingestRejects.$inferSelect;
export type PipelineHealthRow = typeof pipelineHealth.$inferSelect;
export type PipelineHealthHistoryRow = typeof pipelineHealthHistory.$inferSelect;

/** Every alert decided, written in the transaction that saved the health change that caused it (the outbox). */
export const alertOutbox = sqliteTable(
  'alert_outbox',
  {
    alertId: text('alert_id').primaryKey(),
    clubSlug: text('club_slug').notNull(),
    pipeline: text('pipeline').notNull(),
    kind: text('kind').$type<AlertKind>().notNull(),
    /** The whole Alert as JSON: what every channel's payload is built from, unchanged across retries. */
    payload: text('payload').notNull(),
    created: integer('created').notNull(),
  },
  (t) => [index('alert_outbox_created').on(t.created)],
);

/** One row per alert and channel: the sender's work list and its record of attempts. */
export const alertDeliveries = sqliteTable(
  'alert_deliveries',
  {
    alertId: text('alert_id')
      .notNull()
      .references(() => alertOutbox.alertId, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    status: text('status').$type<DeliveryStatus>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.channel] }), index('alert_deliveries_due').on(t.status, t.nextAttemptAt)],
);

/** Per pipeline, what the alert rules remember (alerts/decide.ts PipelineAlertMemory as JSON). */
export const alertMemory = sqliteTable(
  'alert_memory',
  {
    clubSlug: text('club_slug').notNull(),
    pipeline: text('pipeline').notNull(),
    memory: text('memory').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clubSlug, t.pipeline] })],
);

/**
 * Error groups someone has acknowledged (POST /api/errors/groups/:fingerprint/ack), one row per group (club,
 * pipeline, fingerprint). Never touched by ingest: a group counts as acknowledged while its last occurrence is no
 * newer than `through`, judged when groups are read, so a new occurrence undoes it without a write.
 */
export const errorAcknowledgements = sqliteTable(
  'error_acknowledgements',
  {
    clubSlug: text('club_slug').notNull(),
    pipeline: text('pipeline').notNull(),
    fingerprint: text('fingerprint').notNull(),
    /** Who, as the session can say it (sessions are token-only: a session label, "API token" or "no token"). */
    acknowledgedBy: text('acknowledged_by').notNull(),
    acknowledgedAt: integer('acknowledged_at').notNull(),
    /** The time of the group's last occurrence the acknowledgement covers (a line time, like run_errors.time). */
    through: integer('through').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clubSlug, t.pipeline, t.fingerprint] })],
);
