// The health shell's alert hook: inside the transaction that saves a health change, turns it into an observation,
// asks the pure rules (alerts/decide.ts) what to send, and writes the alerts and the rules' new memory to the outbox.
import { randomUUID } from 'node:crypto';
import type { AlertsConfig } from '../alerts/config.js';
import { decideAlerts, type PipelineAlertMemory } from '../alerts/decide.js';
import { consecutiveBadRuns } from '../alerts/observation.js';
import type { AlertStore } from '../ingest/alert-store.js';
import type { JudgedHealth } from './health-monitor.js';

export function alertOutboxWriter(store: AlertStore, alerts: () => AlertsConfig): (judged: JudgedHealth) => void {
  return (judged) => {
    const rules = alerts().rules;
    if (rules.length === 0) return;
    const { club, pipeline } = judged.key;
    const text = store.memory(club, pipeline);
    const memory = text === null ? null : (JSON.parse(text) as PipelineAlertMemory);
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
        // new-error needs per-pipeline fingerprint history; not wired yet (see the issue 13 report).
        newErrors: [],
      },
      rules,
      memory,
    );
    for (const alert of decision.alerts) store.enqueue({ ...alert, alertId: randomUUID() }, judged.at);
    store.saveMemory(club, pipeline, JSON.stringify(decision.memory));
  };
}
