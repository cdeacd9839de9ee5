// The health shell's alert hook: inside the transaction that saves a health change, turns it into an observation,
// asks the pure rules (alerts/decide.ts) what to send, and writes the alerts and the rules' new memory to the outbox.
import { randomUUID } from 'node:crypto';
import type { AlertsConfig } from '../alerts/config.js';
import { decideAlerts, ruleMatches, type PipelineAlertMemory } from '../alerts/decide.js';
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
    let consecutiveBadRuns = 0;
    for (const run of judged.runs) {
      if (run.status === 'running') continue;
      if (run.status !== 'failure' && run.status !== 'abandoned') break;
      consecutiveBadRuns++;
    }
    // new-error looks at the newest finished run (its errors are all in), once: the memory says which was checked.
    // The look-up runs only when a rule wants new-error and the run logged errors; otherwise the run is still
    // marked checked, so a rule added later doesn't announce old news.
    const finished = judged.runs.find((run) => run.status !== 'running') ?? null;
    let errorsRunId: string | null = null;
    let newErrors: string[] = [];
    if (finished !== null && finished.id !== (memory?.newErrorsRunId ?? null)) {
      errorsRunId = finished.id;
      const wanted = rules.some((rule) => rule.on.includes('new-error') && ruleMatches(rule, club, pipeline));
      if (wanted && finished.errorCount > 0) {
        newErrors = store.newErrorTitles(club, pipeline, finished.id, finished.startedAt - NEW_ERROR_LOOK_BACK_MS);
      }
    }
    const decision = decideAlerts(
      {
        club,
        pipeline,
        from: judged.from?.state ?? null,
        to: judged.to.state,
        reason: judged.to.reason,
        at: judged.at,
        runId: judged.runs[0]?.id ?? null,
        consecutiveBadRuns,
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
