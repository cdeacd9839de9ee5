// TypeBox builders for the API's schemas (shared/api-schemas.ts), kept to the JSON Schema forms the serializer
// handles fast: a nullable value is `type: [T, 'null']`, never `anyOf` (fast-json-stringify tries each `anyOf`
// branch per value, which made list routes several times slower), and an enum is a plain `enum`.
// Each builder derives its static type from its argument, so the type can never say more than the schema.
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { Json } from './events.js';

/** The schema's own JSON keywords, without TypeBox's symbol-keyed kind (which would claim null is not allowed). */
function keywords(schema: TSchema): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema));
}

/** `schema` or null: the same keywords with `type: [its type, 'null']`. */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const { type, ...rest } = keywords(schema);
  if (typeof type !== 'string') throw new Error('Nullable needs a schema with a single `type`');
  return Type.Unsafe<Static<T> | null>({ ...rest, type: [type, 'null'] });
}

/** One of these strings, as `{ type: 'string', enum }`. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: values });
}

/** One of these strings or null. */
export function NullableStringEnum<const T extends readonly string[]>(values: T): TUnsafe<T[number] | null> {
  return Type.Unsafe<T[number] | null>({ type: ['string', 'null'], enum: [...values, null] });
}

/**
 * A reference to a named schema (`{ $ref: 'RunView#' }`: registered once with the server, a named OpenAPI
 * component), typed as that schema. Taking the schema rather than its name means the `$ref` can't point elsewhere.
 */
export function Ref<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  if (schema.$id === undefined) throw new Error('Ref needs a schema with an $id');
  return Type.Unsafe<Static<T>>({ $ref: `${schema.$id}#` });
}

/** Any JSON value, as a pipeline wrote it (no keywords: the serializer writes it as it is). */
export const AnyJson = Type.Unsafe<Json | null>({});
