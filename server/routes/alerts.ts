// The alerts surface: GET /api/alerts (the outbox, newest first, each channel's delivery), GET
// /api/alerts/channels (each configured channel's health, so one that keeps failing is shown rather than silently
// retried), POST /api/alerts/test (a test message through one channel now, answered with the outcome).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ALERT_KINDS, type TestAlertOutcome } from '../../shared/alerts.js';
import { AlertChannelsResponseSchema, AlertViewSchema, TestAlertOutcomeSchema } from '../../shared/alerts-schemas.js';
import { Ref, StringEnum } from '../../shared/api-schema-kit.js';
import { sendError } from './http-errors.js';
import type { RouteContext } from './context.js';
import {
  cursorParam,
  errorResponses,
  errorResponsesFor,
  limitParam,
  nameParam,
  pageOf,
  queryString,
} from './schemas.js';

export function registerAlertRoutes(app: FastifyInstance, ctx: RouteContext): void {
  // The last test per channel since the server started: shown with the channel until the next one.
  const lastTests = new Map<string, TestAlertOutcome>();
  // A second click while a test is on its way joins it instead of sending another message.
  const inFlight = new Map<string, Promise<TestAlertOutcome>>();

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/api/alerts',
    {
      config: { listItems: [{ key: 'items', schema: 'AlertView' }] },
      schema: {
        summary: 'Alerts sent (the outbox), newest first, with each channel’s delivery status, attempts and last error',
        tags: ['alerts'],
        querystring: queryString(
          { club: nameParam, pipeline: nameParam, kind: StringEnum(ALERT_KINDS), cursor: cursorParam },
          { limit: limitParam(50, 500) },
        ),
        response: { 200: pageOf(AlertViewSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const page = await ctx.queries.run('listAlerts', [filter, cursor, limit], { heavy: false });
      return { items: page.rows, nextCursor: page.nextCursor };
    },
  );

  api.get(
    '/api/alerts/channels',
    {
      schema: {
        summary:
          'Each configured alert channel: where it sends (masked), its last delivery, whether it is failing and since when',
        tags: ['alerts'],
        response: { 200: AlertChannelsResponseSchema, ...errorResponses },
      },
    },
    async () => {
      const configured = ctx.alerts.channels();
      const stats = configured.length === 0 ? [] : await ctx.queries.run('alertChannelStats', [], { heavy: false });
      const byName = new Map(stats.map((s) => [s.channel, s]));
      return {
        channels: configured.map((channel) => {
          const s = byName.get(channel.name);
          return {
            ...channel,
            lastDeliveredAt: s?.lastDeliveredAt ?? null,
            lastError: s?.lastError ?? null,
            failingSince: s?.failingSince ?? null,
            pending: s?.pending ?? 0,
            givenUp: s?.givenUp ?? 0,
            lastTest: lastTests.get(channel.name) ?? null,
          };
        }),
      };
    },
  );

  api.post(
    '/api/alerts/test',
    {
      // A foreign page's request never gets here: server/host-guard.ts refuses every write from another origin.
      schema: {
        summary:
          'Send a test alert (kind `test`, marked as a test) through one channel now and answer with the outcome',
        tags: ['alerts'],
        body: Type.Object({ channel: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Ref(TestAlertOutcomeSchema), ...errorResponsesFor([400, 401, 403, 404]) },
      },
    },
    async (request, reply) => {
      const { channel } = request.body;
      if (!ctx.alerts.channels().some((c) => c.name === channel))
        return sendError(reply, 404, `no alert channel named ${JSON.stringify(channel)} is configured`);
      let sending = inFlight.get(channel);
      if (!sending) {
        sending = ctx.alerts.sendTest(channel).finally(() => inFlight.delete(channel));
        inFlight.set(channel, sending);
      }
      const outcome = await sending;
      lastTests.set(channel, outcome);
      return outcome;
    },
  );
}
