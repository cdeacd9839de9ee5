// JSON schemas of the alert routes (shared/alerts.ts AlertView, AlertChannelView, TestAlertOutcome), registered
// with the others in schemas.ts.
import { ALERT_KINDS, DELIVERY_STATES } from '../../shared/alerts.js';

const nullableInteger = { type: ['integer', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;

export const AlertViewSchema = {
  $id: 'AlertView',
  type: 'object',
  required: [
    'alertId',
    'kind',
    'club',
    'pipeline',
    'state',
    'previousState',
    'reason',
    'summary',
    'runId',
    'reminder',
    'created',
    'deliveries',
  ],
  properties: {
    alertId: { type: 'string' },
    kind: { type: 'string', enum: ALERT_KINDS },
    club: { type: 'string' },
    pipeline: { type: 'string' },
    state: { type: 'string', description: 'The health state the pipeline changed into' },
    previousState: nullableString,
    reason: { type: 'string' },
    summary: { type: 'string' },
    runId: { ...nullableInteger, description: 'The run that caused it; null for a late or missed run' },
    reminder: { type: 'boolean', description: 'A repeat of an unresolved alert (`remind:`)' },
    created: { type: 'integer' },
    deliveries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['channel', 'status', 'attempts', 'lastError', 'deliveredAt', 'nextAttemptAt'],
        properties: {
          channel: { type: 'string' },
          status: {
            type: 'string',
            enum: DELIVERY_STATES,
            description:
              '`pending` (not tried yet), `delivered`, `failing` (refused, retried with backoff), `given-up` ' +
              '(24 h of retries passed, or the channel was removed)',
          },
          attempts: { type: 'integer' },
          lastError: nullableString,
          deliveredAt: nullableInteger,
          nextAttemptAt: nullableInteger,
        },
      },
    },
  },
} as const;

export const TestAlertOutcomeSchema = {
  $id: 'TestAlertOutcome',
  type: 'object',
  required: ['channel', 'ok', 'at', 'error'],
  properties: {
    channel: { type: 'string' },
    ok: { type: 'boolean', description: 'The channel accepted the test message' },
    at: { type: 'integer' },
    error: { ...nullableString, description: 'Why it was not delivered' },
  },
} as const;

export const AlertChannelViewSchema = {
  $id: 'AlertChannelView',
  type: 'object',
  required: [
    'name',
    'type',
    'target',
    'lastDeliveredAt',
    'lastError',
    'failingSince',
    'pending',
    'givenUp',
    'lastTest',
  ],
  properties: {
    name: { type: 'string' },
    type: { type: 'string', enum: ['webhook', 'slack', 'ntfy', 'email'] },
    target: { type: 'string', description: 'Where it sends, credentials masked' },
    lastDeliveredAt: nullableInteger,
    lastError: nullableString,
    failingSince: {
      ...nullableInteger,
      description: 'Set while the channel fails: when the oldest alert it has not delivered since was written',
    },
    pending: { type: 'integer' },
    givenUp: { type: 'integer' },
    lastTest: {
      type: ['object', 'null'],
      required: ['channel', 'ok', 'at', 'error'],
      properties: TestAlertOutcomeSchema.properties,
    },
  },
} as const;
