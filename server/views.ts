// Database rows to API shapes (shared/api.ts). Used by the REST routes and the live hub alike.
import type { ErrorView, LogLineView, RunView, StepView } from '../shared/api.js';
import type { Json } from '../shared/events.js';
import type { ErrorRow, LogRow, RunRow, StepRow } from '../shared/schema.js';

function parseJson(text: string | null): Json | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

export function runView(row: RunRow): RunView {
  return {
    id: row.id,
    runKey: row.runKey,
    club: row.clubSlug,
    pipeline: row.pipeline,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
    counts: { created: row.created, updated: row.updated, skipped: row.skipped, failed: row.failed },
    errorCount: row.errorCount,
    logCount: row.logCount,
    host: row.host,
    pid: row.pid,
    exitCode: row.exitCode,
    endReason: row.endReason,
    summary: parseJson(row.summary),
    lastEventAt: row.lastEventAt,
  };
}

export function stepView(row: StepRow): StepView {
  return {
    name: row.name,
    seq: row.seq,
    status: row.status,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
    counts: { created: row.created, updated: row.updated, skipped: row.skipped, failed: row.failed },
    progress: row.progressDone === null ? null : { done: row.progressDone, total: row.progressTotal },
    stats: parseJson(row.stats),
  };
}

export function logLineView(row: LogRow): LogLineView {
  return {
    id: row.id,
    runId: row.runId,
    offset: row.offset,
    time: row.time,
    level: row.level,
    event: row.event,
    step: row.step,
    msg: row.msg,
    data: parseJson(row.data),
  };
}

export function errorView(row: ErrorRow): ErrorView {
  return {
    id: row.id,
    runId: row.runId,
    offset: row.offset,
    club: row.clubSlug,
    pipeline: row.pipeline,
    step: row.step,
    identifier: row.identifier,
    system: row.system,
    message: row.message,
    stack: row.stack,
    fingerprint: row.fingerprint,
    time: row.time,
  };
}
