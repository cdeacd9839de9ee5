// The health shell's alert hook: inside the transaction that saves a health change, turns it into an observation,
// asks the pure rules (alerts/decide.ts) what to send, and writes the alerts and the rules' new memory to the outbox.
import { randomUUID } from 'node:crypto';
import type { AlertRule, AlertsConfig } from '../alerts/config.js';
import { decideAlerts, ruleMatches, type PipelineAlertMemory } from '../alerts/decide.js';
import { consecutiveBadRuns } from '../alerts/observation.js';
import type { AlertStore } from '../ingest/alert-store.js';
import type { JudgedHealth } from './health-monitor.js';

/** "An error fingerprint that pipeline has not had in its last 30 days" (issue 13). */
export const NEW_ERROR_LOOK_BACK_MS = 30 * 86_400_000;

export function alertOutboxWriter(store: AlertStore, alerts: () => AlertsConfig): (judged: JudgedHealth) => void {
  return (judged) => {
    const rules = alerts().rules;
    if (rules.length === 0) return;
    const { club, pipeline } = judged.key;
    const text = store.memory(club, pipeline);
    const memory = text === null ? null : (JSON.parse(text) as PipelineAlertMemory);
    const { errorsRunId, newErrors } = newErrorsSince(store, judged, memory?.newErrorsRunId ?? null, rules);
    const decision = decideAlerts(
      {
        club,
        pipeline,
        from: judged.from?.state ?? null,
        to: judged.to.state,
        reason: judged.to.reason,
        at: judged.at,
        runId: judged.runs[0]?.id ?? null,
        consecutiveBadRuns: consecutiveBadRuns(judged.runs),
        errorsRunId,
        newErrors,
      },
      rules,
      memory,
    );
    for (const alert of decision.alerts) store.enqueue({ ...alert, alertId: randomUUID() }, judged.at);
    store.saveMemory(club, pipeline, JSON.stringify(decision.memory));
  };
}

/**
 * new-error looks at the finished runs the rules have not checked yet (newer than the memory's last one): usually
 * just the run that ended, but several when they ended together or while the daemon was down, and then their new
 * titles go in one message for the newest. The first check of a pipeline looks at its newest finished run only, so
 * adopting runboard over an old runs directory doesn't announce its history. The look-up runs only when a rule wants
 * new-error and a run logged errors; otherwise the runs are still marked checked, so a rule added later doesn't
 * announce old news.
 */
function newErrorsSince(
  store: AlertStore,
  judged: JudgedHealth,
  checkedRunId: string | null,
  rules: readonly AlertRule[],
): { errorsRunId: string | null; newErrors: string[] } {
  const { club, pipeline } = judged.key;
  const finished = judged.runs.filter((run) => run.status !== 'running');
  const newest = finished[0];
  if (newest === undefined || newest.id === checkedRunId) return { errorsRunId: null, newErrors: [] };
  const wanted = rules.some((rule) => rule.on.includes('new-error') && ruleMatches(rule, club, pipeline));
  if (!wanted) return { errorsRunId: newest.id, newErrors: [] };
  // Run ids are the runs table's integer ids: they grow with ingestion.
  const unchecked = checkedRunId === null ? [newest] : finished.filter((run) => Number(run.id) > Number(checkedRunId));
  const titles = new Set<string>();
  for (const run of unchecked.reverse()) {
    if (run.errorCount === 0) continue;
    for (const title of store.newErrorTitles(club, pipeline, run.id, run.startedAt - NEW_ERROR_LOOK_BACK_MS)) {
      titles.add(title);
    }
  }
  return { errorsRunId: newest.id, newErrors: [...titles] };
}
