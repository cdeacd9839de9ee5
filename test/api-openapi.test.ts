// GET /api/openapi.json: generated from the route schemas, so it lists every route with its parameters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './helpers/seed-server.js';

interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; responses: object }>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  security?: unknown[];
}

let server: TestServer;
let doc: OpenApiDoc;

beforeAll(async () => {
  server = await testServer({ token: 'openapi-test-token-0123456789' });
  const res = await server.app.inject({
    url: '/api/openapi.json',
    headers: { authorization: 'Bearer openapi-test-token-0123456789' },
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  doc = res.json<OpenApiDoc>();
});
afterAll(() => server.close());

const params = (path: string, method = 'get') =>
  (doc.paths[path]?.[method]?.parameters ?? []).map((p) => `${p.in}:${p.name}`).sort();

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document for runboard with both auth schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({
      title: 'runboard',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/) as string,
      description: expect.any(String) as string,
    });
    expect(Object.keys(doc.components.securitySchemes ?? {}).sort()).toEqual(['bearer', 'session']);
  });

  it('lists every REST route', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/health',
        '/api/ready',
        '/api/session',
        '/api/login',
        '/api/logout',
        '/api/pipelines',
        '/api/pipelines/{club}/{pipeline}/health-history',
        '/api/pipelines/{club}/{pipeline}/schedule-history',
        '/api/runs',
        '/api/runs/{id}',
        '/api/runs/{id}/logs',
        '/api/runs/{id}/log.ndjson',
        '/api/runs/{id}/errors',
        '/api/runs/{id}/compare',
        '/api/errors',
        '/api/errors/groups',
        '/api/errors/groups/{fingerprint}/ack',
        '/api/rejects',
        '/api/ingest/problems',
        '/api/config',
        '/api/alerts',
        '/api/alerts/channels',
        '/api/alerts/test',
        '/api/openapi.json',
        '/metrics',
      ].sort(),
    );
  });

  it('documents the parameters of each route', () => {
    expect(params('/api/runs')).toEqual([
      'query:club',
      'query:cursor',
      'query:failedRecords',
      'query:limit',
      'query:pipeline',
      'query:status',
    ]);
    expect(params('/api/runs/{id}/logs')).toEqual(
      ['path:id', 'query:after', 'query:before', 'query:level', 'query:limit', 'query:q', 'query:step'].sort(),
    );
    expect(params('/api/errors')).toEqual(
      ['club', 'cursor', 'fingerprint', 'identifier', 'limit', 'pipeline', 'runId', 'system'].map((n) => `query:${n}`),
    );
    expect(params('/api/runs/{id}/compare')).toEqual(['path:id', 'query:with']);
    expect(params('/api/errors/groups')).toEqual(
      ['acknowledged', 'club', 'consecutive', 'identifier', 'limit', 'pipeline', 'runId', 'since', 'sort'].map(
        (n) => `query:${n}`,
      ),
    );
  });

  it('names the response shapes after shared/api.ts', () => {
    for (const name of [
      'RunView',
      'RunDetail',
      'StepView',
      'PipelineSummary',
      'LogLineView',
      'ErrorView',
      'ErrorGroup',
      'RecurringIdentifier',
      'RejectView',
      'RunComparison',
      'FigureChange',
      'ApiError',
      'HealthHistoryEntry',
      'ScheduledStart',
      'ScheduleHistoryView',
    ]) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
    expect(JSON.stringify(doc.paths['/api/runs/{id}']?.get?.responses)).toContain('#/components/schemas/RunDetail');
    expect(JSON.stringify(doc.paths['/api/runs/{id}/compare']?.get?.responses)).toContain(
      '#/components/schemas/RunComparison',
    );
  });

  it('is behind the token like the rest of the API', async () => {
    expect((await server.app.inject({ url: '/api/openapi.json' })).statusCode).toBe(401);
  });
});
