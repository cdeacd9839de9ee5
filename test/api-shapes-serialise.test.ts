// Every API shape reaches the client whole. The serializer writes only the fields a response schema names, so a
// field on a type but not in its schema would be silently dropped; the types are now derived from the schemas
// (shared/api-schemas.ts), and this checks the other half: a full object of each shape (every field, optional ones
// included, nested objects present rather than null) serialises through Fastify and comes back field for field.
import { Kind, type Static, type TSchema } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { AlertChannelView, AlertKind, AlertView, TestAlertOutcome } from '../shared/alerts.js';
import * as alertsSchemas from '../shared/alerts-schemas.js';
import type { RunComparison } from '../shared/api-compare.js';
import * as compareSchemas from '../shared/api-compare-schemas.js';
import * as apiSchemas from '../shared/api-schemas.js';
import type { PipelineSummary, RunDetail, RunView, StepView } from '../shared/api.js';
import type { Json } from '../shared/events.js';
import type { HealthHistoryEntry, HealthState, PipelineHealth, ScheduledStart, StartTiming } from '../shared/health.js';
import * as healthSchemas from '../shared/health-schemas.js';
import { sharedSchemas } from '../server/routes/schemas.js';

type JsonSchema = Record<string, unknown>;

const byId = new Map(sharedSchemas.map((schema) => [schema.$id as string, schema as JsonSchema]));

function isSchema(value: unknown): value is TSchema {
  return typeof value === 'object' && value !== null && Kind in value;
}

/** Every schema the schema modules export, and a page of each list item, by name. */
function shapes(): Array<[string, TSchema]> {
  const exported: Array<[string, TSchema]> = [];
  for (const [name, value] of Object.entries<unknown>({
    ...apiSchemas,
    ...compareSchemas,
    ...alertsSchemas,
    ...healthSchemas,
  })) {
    if (isSchema(value)) exported.push([name, value]);
  }
  const pages = [
    apiSchemas.RunViewSchema,
    apiSchemas.ErrorViewSchema,
    apiSchemas.RejectViewSchema,
    alertsSchemas.AlertViewSchema,
    healthSchemas.HealthHistoryEntrySchema,
  ].map((item): [string, TSchema] => [`Page<${item.$id}>`, apiSchemas.PageOf(item)]);
  return [...exported, ...pages];
}

/** A value with every field the schema names, nothing null that may be something else. */
function fullValue(schema: JsonSchema, path: string): unknown {
  if (typeof schema.$ref === 'string') {
    const target = byId.get(schema.$ref.replace(/#$/, ''));
    if (!target) throw new Error(`${path}: $ref ${schema.$ref} is not a registered schema`);
    return fullValue(target, path);
  }
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).find((value) => value !== null);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type];
  const type = types.find((t) => t !== 'null');
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [name, fullValue(property, `${path}.${name}`)]),
      );
    }
    case 'array':
      return [fullValue(schema.items as JsonSchema, `${path}[]`)];
    case 'string':
      return `${path} <b>"quoted"</b>`;
    case 'integer':
      return 7;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case undefined:
      // Any JSON value (a pipeline's stats or summary): nested, with every kind of value in it.
      return { nested: [1, 2.5, 'two', null, true, { deep: {} }] };
    default:
      throw new Error(`${path}: no full value for type ${String(type)}`);
  }
}

let app: FastifyInstance;
const cases = shapes();
const withExtraField = { ...(fullValue(apiSchemas.RunViewSchema, 'RunView') as object), fieldOnlyOnTheType: 1 };

beforeAll(async () => {
  app = Fastify();
  for (const schema of sharedSchemas) app.addSchema(schema);
  cases.forEach(([name, schema], i) => {
    app.get(`/shape/${i}`, { schema: { response: { 200: schema } } }, () => fullValue(schema, name));
  });
  // A field the schema does not name, to show the check below would see a dropped one.
  app.get('/extra', { schema: { response: { 200: apiSchemas.RunViewSchema } } }, () => withExtraField);
  await app.ready();
});
afterAll(() => app.close());

describe('API shapes through the serializer', () => {
  it('covers every registered shape and every response body of the routes', () => {
    const names = cases.map(([name]) => name);
    for (const id of byId.keys()) expect(names).toContain(`${id}Schema`);
    for (const name of [
      'LogsResponseSchema',
      'ErrorGroupsResponseSchema',
      'ConfigViewSchema',
      'HealthViewSchema',
      'AlertChannelsResponseSchema',
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(cases.map(([name], i) => [name, i]))('%s comes back with every field', async (name, i) => {
    const [, schema] = cases[i] as [string, TSchema];
    const res = await app.inject({ url: `/shape/${i}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(fullValue(schema, name));
  });

  it('would see a field the schema does not name', async () => {
    const res = await app.inject({ url: '/extra' });
    expect(res.json()).not.toEqual(withExtraField);
    expect(res.json()).toEqual(fullValue(apiSchemas.RunViewSchema, 'RunView'));
  });

  it('derives the types from the schemas (checked by tsc)', () => {
    expectTypeOf<RunView>().toEqualTypeOf<Static<typeof apiSchemas.RunViewSchema>>();
    expectTypeOf<RunView['summary']>().toEqualTypeOf<Json | null>();
    expectTypeOf<RunView['status']>().toEqualTypeOf<'running' | 'success' | 'failure' | 'abandoned' | 'ended'>();
    expectTypeOf<RunDetail['steps']>().toEqualTypeOf<StepView[]>();
    expectTypeOf<PipelineSummary['lastRun']>().toEqualTypeOf<RunView | null>();
    expectTypeOf<PipelineSummary['health']>().toEqualTypeOf<PipelineHealth | null>();
    expectTypeOf<RunComparison>().toEqualTypeOf<Static<typeof compareSchemas.RunComparisonSchema>>();
    expectTypeOf<StepView['progress']>().toEqualTypeOf<{ done: number; total: number | null } | null>();
    expectTypeOf<AlertView>().toEqualTypeOf<Static<typeof alertsSchemas.AlertViewSchema>>();
    expectTypeOf<AlertView['kind']>().toEqualTypeOf<AlertKind>();
    expectTypeOf<AlertChannelView['lastTest']>().toEqualTypeOf<TestAlertOutcome | null>();
    expectTypeOf<HealthHistoryEntry['from']>().toEqualTypeOf<HealthState | null>();
    expectTypeOf<ScheduledStart['timing']>().toEqualTypeOf<StartTiming>();
  });
});
