// The routes' schemas: the API's shapes come from shared/*-schemas.ts (written once there, registered here by $id
// so routes reference them and the OpenAPI document names them), and the request parameters are built here.
// Routes use them through the TypeBox type provider, so params, query and body are typed by these schemas. A plain
// JSON-schema object is still accepted by Fastify (the handler's input is then untyped).
import { Type, type Static, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { AlertChannelViewSchema, AlertViewSchema, TestAlertOutcomeSchema } from '../../shared/alerts-schemas.js';
import { FigureChangeSchema, RunComparisonSchema } from '../../shared/api-compare-schemas.js';
import { Ref } from '../../shared/api-schema-kit.js';
import {
  ApiErrorSchema,
  CountsViewSchema,
  ErrorGroupSchema,
  ErrorViewSchema,
  IngestProblemsListSchema,
  LogLineViewSchema,
  PageOf,
  PipelineSummarySchema,
  ReadyViewSchema,
  RecurringIdentifierSchema,
  RejectViewSchema,
  RunDetailSchema,
  RunDotSchema,
  RunViewSchema,
  SessionViewSchema,
  StepViewSchema,
} from '../../shared/api-schemas.js';
import {
  HealthHistoryEntrySchema,
  ScheduledStartSchema,
  ScheduleHistoryViewSchema,
} from '../../shared/health-schemas.js';

export {
  ApiErrorSchema,
  CountsViewSchema,
  ErrorGroupSchema,
  ErrorViewSchema,
  FigureChangeSchema,
  IngestProblemsListSchema,
  LogLineViewSchema,
  PipelineSummarySchema,
  ReadyViewSchema,
  RecurringIdentifierSchema,
  RejectViewSchema,
  RunComparisonSchema,
  RunDetailSchema,
  RunDotSchema,
  RunViewSchema,
  SessionViewSchema,
  StepViewSchema,
};

/** Every schema with an $id, registered once with app.addSchema: routes and other schemas `Ref` them. */
export const sharedSchemas: TSchema[] = [
  ApiErrorSchema,
  ReadyViewSchema,
  IngestProblemsListSchema,
  SessionViewSchema,
  CountsViewSchema,
  RunViewSchema,
  StepViewSchema,
  RunDetailSchema,
  RunDotSchema,
  PipelineSummarySchema,
  LogLineViewSchema,
  ErrorViewSchema,
  ErrorGroupSchema,
  RecurringIdentifierSchema,
  RejectViewSchema,
  FigureChangeSchema,
  RunComparisonSchema,
  AlertViewSchema,
  TestAlertOutcomeSchema,
  AlertChannelViewSchema,
  HealthHistoryEntrySchema,
  ScheduledStartSchema,
  ScheduleHistoryViewSchema,
];

/** A keyset page of `item`s (a registered schema). */
export function pageOf<T extends TSchema>(item: T): ReturnType<typeof PageOf<T>> {
  return PageOf(item);
}

const apiError = Ref(ApiErrorSchema);

/** Error responses every data route can give. */
export const errorResponses = { 400: apiError, 401: apiError, 404: apiError };

/** `error` responses for these status codes. */
export function errorResponsesFor<const C extends readonly number[]>(codes: C): Record<C[number], typeof apiError> {
  return Object.fromEntries(codes.map((code) => [code, apiError])) as Record<C[number], typeof apiError>;
}

export const idParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Run id' }),
});

export const cursorParam = Type.String({
  maxLength: 200,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'Opaque cursor from a previous page (`nextCursor`).',
});

export function limitParam(defaultLimit: number, maxLimit: number) {
  return Type.Integer({ minimum: 1, maximum: maxLimit, default: defaultLimit });
}

/** Club and pipeline names as they appear in paths and run files. */
export const nameParam = Type.String({ minLength: 1, maxLength: 200 });

type Optionals<P extends TProperties> = { [K in keyof P]?: Static<P[K]> };
type Present<P extends TProperties> = { [K in keyof P]: Static<P[K]> };

/**
 * A query string: every parameter is optional for the client (none is `required` in the schema or the OpenAPI
 * document), but those in `defaulted` carry a `default` that validation fills in, so the handler sees them always.
 */
export function queryString<O extends TProperties, D extends TProperties = Record<never, TSchema>>(
  optional: O,
  defaulted?: D,
): TUnsafe<Optionals<O> & Present<D>> {
  const properties = Object.fromEntries(
    Object.entries({ ...optional, ...defaulted }).map(([name, schema]) => [name, Type.Optional(schema)]),
  );
  return Type.Unsafe<Optionals<O> & Present<D>>(Type.Object(properties));
}
