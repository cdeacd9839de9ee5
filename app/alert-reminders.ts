// `remind:` on the sender's clock: repeats every announced, unresolved alert at its rule's interval. A reminder is an
// alert like any other: written to the outbox together with the rules' new memory (the reminder clock) in one
// transaction, so it is delivered with the same retries, and a crash neither loses one nor sends it twice.
import { randomUUID } from 'node:crypto';
import type { AlertsConfig } from '../alerts/config.js';
import { dueReminders, type PipelineAlertMemory } from '../alerts/decide.js';
import type { AlertStore } from '../ingest/alert-store.js';
import { healthKey, type HealthStore } from '../ingest/health-store.js';

export interface AlertRemindersOptions {
  store: AlertStore;
  /** The stored verdicts (the reminder repeats the state as it is now) and the transaction both writes share. */
  health: Pick<HealthStore, 'loadAll' | 'inTransaction'>;
  alerts: () => AlertsConfig;
  now?: () => number;
}

/** Enqueues the reminders due now; returns when the next one falls due (null: none pending). */
export type EnqueueDueReminders = () => number | null;

export function alertReminders(options: AlertRemindersOptions): EnqueueDueReminders {
  const { store, health } = options;
  const now = options.now ?? Date.now;
  return () => {
    const rules = options.alerts().rules;
    if (!rules.some((rule) => rule.remindMs !== null)) return null;
    let nextAt: number | null = null;
    health.inTransaction(() => {
      const at = now();
      const verdicts = health.loadAll();
      for (const row of store.allMemories()) {
        const verdict = verdicts.get(healthKey(row));
        // A pipeline no longer judged (its runs and schedule gone) has nothing left to remind of.
        if (!verdict) continue;
        const memory = JSON.parse(row.memory) as PipelineAlertMemory;
        // No run id: a reminder is about the pipeline's state, so its link opens the pipeline, not an old run.
        const input = {
          club: row.club,
          pipeline: row.pipeline,
          state: verdict.state,
          reason: verdict.reason,
          runId: null,
        };
        const decision = dueReminders(input, rules, memory, at);
        if (decision.alerts.length > 0) {
          for (const alert of decision.alerts) store.enqueue({ ...alert, alertId: randomUUID() }, at);
          store.saveMemory(row.club, row.pipeline, JSON.stringify(decision.memory));
        }
        if (decision.nextAt !== null) nextAt = nextAt === null ? decision.nextAt : Math.min(nextAt, decision.nextAt);
      }
    });
    return nextAt;
  };
}
