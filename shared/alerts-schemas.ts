// Shapes of the alert routes (GET /api/alerts, GET /api/alerts/channels, POST /api/alerts/test), written once as
// TypeBox schemas with the types derived from them (see shared/api-schemas.ts). Everyone else takes the types
// through shared/alerts.ts; the browser must only `import type` from here (a value import would bundle TypeBox).
import { Type, type Static } from '@sinclair/typebox';
import { ALERT_CHANNEL_TYPES, ALERT_KINDS, DELIVERY_STATES } from './alerts.js';
import { Nullable, Ref, StringEnum } from './api-schema-kit.js';

/** One channel's delivery of an alert, as the operator reads it (shared/alerts.ts DELIVERY_STATES says each state). */
export const AlertDeliveryViewSchema = Type.Object({
  channel: Type.String(),
  status: StringEnum(DELIVERY_STATES, {
    description:
      '`pending` (not tried yet), `delivered`, `failing` (refused, retried with backoff), `given-up` ' +
      '(24 h of retries passed, or the channel was removed)',
  }),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  deliveredAt: Nullable(Type.Integer()),
  /** The next try, while pending or failing; null once delivered or given up. */
  nextAttemptAt: Nullable(Type.Integer()),
});
export type AlertDeliveryView = Static<typeof AlertDeliveryViewSchema>;

/** GET /api/alerts items: one alert of the outbox with each channel's delivery. */
export const AlertViewSchema = Type.Object(
  {
    alertId: Type.String(),
    kind: StringEnum(ALERT_KINDS),
    club: Type.String(),
    pipeline: Type.String(),
    state: Type.String({ description: 'The health state the pipeline changed into' }),
    previousState: Nullable(Type.String()),
    reason: Type.String(),
    summary: Type.String(),
    /** The run that caused it (a link to /runs/:id), or null (a late or missed run has none). */
    runId: Nullable(Type.Integer({ description: 'The run that caused it; null for a late or missed run' })),
    reminder: Type.Boolean({ description: 'A repeat of an unresolved alert (`remind:`)' }),
    /** When the alert was written to the outbox (ms). */
    created: Type.Integer(),
    deliveries: Type.Array(AlertDeliveryViewSchema),
  },
  { $id: 'AlertView' },
);
export type AlertView = Static<typeof AlertViewSchema>;

const testAlertOutcomeProperties = {
  channel: Type.String(),
  ok: Type.Boolean({ description: 'The channel accepted the test message' }),
  /** When the test finished (ms). */
  at: Type.Integer(),
  /** Why it was not delivered; null when ok. */
  error: Nullable(Type.String({ description: 'Why it was not delivered' })),
};

/** POST /api/alerts/test: how a test message through one channel went. */
export const TestAlertOutcomeSchema = Type.Object(testAlertOutcomeProperties, { $id: 'TestAlertOutcome' });
export type TestAlertOutcome = Static<typeof TestAlertOutcomeSchema>;

const alertChannelInfoProperties = {
  name: Type.String(),
  type: StringEnum(ALERT_CHANNEL_TYPES),
  /** `https://hooks.example/********`, `ops@example.org via smtp 127.0.0.1:2525`: never a secret. */
  target: Type.String({ description: 'Where it sends, credentials masked' }),
};

/** A configured channel as the server may show it: its target with every credential masked. */
export const AlertChannelInfoSchema = Type.Object(alertChannelInfoProperties);
export type AlertChannelInfo = Static<typeof AlertChannelInfoSchema>;

export const AlertChannelViewSchema = Type.Object(
  {
    ...alertChannelInfoProperties,
    /** The last alert delivered through it (ms), or null. */
    lastDeliveredAt: Nullable(Type.Integer()),
    /** The newest error of a delivery still failing or given up, or null. */
    lastError: Nullable(Type.String()),
    failingSince: Nullable(
      Type.Integer({
        description: 'Set while the channel fails: when the oldest alert it has not delivered since was written',
      }),
    ),
    /** Deliveries waiting (not tried yet, or retrying). */
    pending: Type.Integer(),
    /** Deliveries given up. */
    givenUp: Type.Integer(),
    /**
     * The last test sent from the API since the server started, or null. Not a `Ref` to TestAlertOutcome: a
     * nullable object with the same properties keeps the serializer off `anyOf` (shared/api-schema-kit.ts).
     */
    lastTest: Nullable(Type.Object(testAlertOutcomeProperties)),
  },
  { $id: 'AlertChannelView' },
);
export type AlertChannelView = Static<typeof AlertChannelViewSchema>;

/** GET /api/alerts/channels. */
export const AlertChannelsResponseSchema = Type.Object({ channels: Type.Array(Ref(AlertChannelViewSchema)) });
export type AlertChannelsResponse = Static<typeof AlertChannelsResponseSchema>;
