// GET /api/config: the configuration runboard is judging pipelines by, as loaded (after the last good reload), with
// the source of every schedule. Credentials are masked before this route sees the document (the app passes the
// masked view), so nothing here can leak a secret.
import type { FastifyInstance } from 'fastify';
import type { ConfigView } from '../../shared/api.js';
import type { RouteContext } from './context.js';
import { errorResponses } from './schemas.js';

const nullableString = { type: ['string', 'null'] } as const;

export function registerConfigRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/api/config',
    {
      schema: {
        summary:
          'The effective configuration: the config file (secrets masked), crontabs read, each schedule and its source',
        tags: ['config'],
        response: {
          200: {
            type: 'object',
            required: ['publicUrl', 'file', 'loadedAt', 'document', 'crontabs', 'pipelines'],
            properties: {
              publicUrl: {
                ...nullableString,
                description: 'The URL absolute links use: --public-url, else the config file’s publicUrl',
              },
              file: nullableString,
              loadedAt: { type: ['integer', 'null'] },
              document: {},
              crontabs: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['file', 'entries', 'problems'],
                  properties: {
                    file: { type: 'string' },
                    entries: { type: 'integer' },
                    problems: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
              pipelines: {
                type: 'array',
                items: {
                  type: 'object',
                  required: [
                    'club',
                    'pipeline',
                    'schedule',
                    'scheduleText',
                    'scheduleSource',
                    'timezone',
                    'graceMs',
                    'maxDurationMs',
                    'configPath',
                    'ignored',
                  ],
                  properties: {
                    club: { type: 'string' },
                    pipeline: { type: 'string' },
                    schedule: nullableString,
                    scheduleText: nullableString,
                    scheduleSource: nullableString,
                    timezone: nullableString,
                    graceMs: { type: 'integer' },
                    maxDurationMs: { type: ['integer', 'null'] },
                    configPath: nullableString,
                    ignored: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    (): ConfigView => ctx.configView(),
  );
}
