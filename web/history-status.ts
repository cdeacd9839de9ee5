// The statuses a pipeline's run history filters by, as the operator tells runs apart: a success that counted
// failed records ("unstable", amber) is not a clean success. Pure: the URL value, the API query and the test
// a live run state must pass.
import type { RunStatus } from '../shared/events.js';

export const HISTORY_STATUSES = ['success', 'unstable', 'failure', 'abandoned', 'ended', 'running'] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];

export const HISTORY_STATUS_LABELS: Record<HistoryStatus, string> = {
  success: 'success (clean)',
  unstable: 'success with failed records',
  failure: 'failure',
  abandoned: 'abandoned',
  ended: 'ended (outcome not recorded)',
  running: 'running',
};

export function isHistoryStatus(value: string | null | undefined): value is HistoryStatus {
  return (HISTORY_STATUSES as readonly string[]).includes(value ?? '');
}

/** The /api/runs filter for a history status. */
export function historyQuery(status: HistoryStatus | null): { status?: RunStatus; failedRecords?: 'some' | 'none' } {
  switch (status) {
    case null:
      return {};
    case 'success':
      return { status: 'success', failedRecords: 'none' };
    case 'unstable':
      return { status: 'success', failedRecords: 'some' };
    default:
      return { status };
  }
}

/** Whether a run (a live update, say) belongs in a history filtered by `status`. */
export function matchesHistoryStatus(
  status: HistoryStatus | null,
  run: { status: RunStatus; failed: number },
): boolean {
  if (status === null) return true;
  if (status === 'success') return run.status === 'success' && run.failed === 0;
  if (status === 'unstable') return run.status === 'success' && run.failed > 0;
  return run.status === status;
}

/** "80% clean · 20% with failed records" from shares of finished runs (0..1), or '' with no finished run. */
export function successWording(successRate: number | null, unstableRate: number | null): string {
  if (successRate === null) return '';
  const unstable = unstableRate ?? 0;
  const clean = `${Math.round((successRate - unstable) * 100)}% clean`;
  return unstable > 0 ? `${clean} · ${Math.round(unstable * 100)}% with failed records` : clean;
}
