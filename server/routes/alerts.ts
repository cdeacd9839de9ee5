// The alerts surface: GET /api/alerts (the outbox, newest first, each channel's delivery), GET
// /api/alerts/channels (each configured channel's health, so one that keeps failing is shown rather than silently
// retried), POST /api/alerts/test (a test message through one channel now, answered with the outcome).
import type { FastifyInstance } from 'fastify';
import {
  ALERT_KINDS,
  type AlertChannelsResponse,
  type AlertKind,
  type AlertView,
  type TestAlertOutcome,
} from '../../shared/alerts.js';
import type { Page } from '../../shared/api.js';
import { sendError } from './http-errors.js';
import type { RouteContext } from './context.js';
import { cursorParam, errorResponses, limitParam, nameParam, pageOf } from './schemas.js';

interface AlertsQuery {
  club?: string;
  pipeline?: string;
  kind?: AlertKind;
  cursor?: string;
  limit: number;
}

export function registerAlertRoutes(app: FastifyInstance, ctx: RouteContext): void {
  // The last test per channel since the server started: shown with the channel until the next one.
  const lastTests = new Map<string, TestAlertOutcome>();
  // A second click while a test is on its way joins it instead of sending another message.
  const inFlight = new Map<string, Promise<TestAlertOutcome>>();

  app.get<{ Querystring: AlertsQuery }>(
    '/api/alerts',
    {
      config: { listItems: [{ key: 'items', schema: 'AlertView' }] },
      schema: {
        summary: 'Alerts sent (the outbox), newest first, with each channel’s delivery status, attempts and last error',
        tags: ['alerts'],
        querystring: {
          type: 'object',
          properties: {
            club: nameParam,
            pipeline: nameParam,
            kind: { type: 'string', enum: ALERT_KINDS },
            cursor: cursorParam,
            limit: limitParam(50, 500),
          },
        },
        response: { 200: pageOf('AlertView'), ...errorResponses },
      },
    },
    async (request): Promise<Page<AlertView>> => {
      const { cursor, limit, ...filter } = request.query;
      const page = await ctx.queries.run('listAlerts', [filter, cursor, limit], { heavy: false });
      return { items: page.rows, nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/alerts/channels',
    {
      schema: {
        summary:
          'Each configured alert channel: where it sends (masked), its last delivery, whether it is failing and since when',
        tags: ['alerts'],
        response: {
          200: {
            type: 'object',
            required: ['channels'],
            properties: { channels: { type: 'array', items: { $ref: 'AlertChannelView#' } } },
          },
          ...errorResponses,
        },
      },
    },
    async (): Promise<AlertChannelsResponse> => {
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

  app.post<{ Body: { channel: string } }>(
    '/api/alerts/test',
    {
      // A foreign page's request never gets here: server/host-guard.ts refuses every write from another origin.
      schema: {
        summary:
          'Send a test alert (kind `test`, marked as a test) through one channel now and answer with the outcome',
        tags: ['alerts'],
        body: {
          type: 'object',
          required: ['channel'],
          additionalProperties: false,
          properties: { channel: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: { 200: { $ref: 'TestAlertOutcome#' }, ...errorResponses, 403: { $ref: 'ApiError#' } },
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
