// Opaque keyset cursors: base64url of a small JSON array tagged with the list it belongs to, so a cursor from
// one list is refused by another instead of silently paging wrongly.
import { InvalidCursorError } from './query-errors.js';

export type CursorKey = Array<number | null>;

export function encodeCursor(kind: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([kind, ...key]), 'utf8').toString('base64url');
}

/**
 * The key of a cursor of `kind` with `arity` values (finite numbers or null); throws InvalidCursorError.
 * Any finite number is taken back: a cursor must round-trip whatever value the row it was made from holds.
 */
export function decodeCursor(cursor: string, kind: string, arity: number): CursorKey {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(value) || value.length !== arity + 1 || value[0] !== kind) throw new InvalidCursorError();
  const key = value.slice(1) as unknown[];
  if (!key.every((v) => v === null || (typeof v === 'number' && Number.isFinite(v)))) throw new InvalidCursorError();
  return key as CursorKey;
}

/** A cursor whose key values are all integers (no nulls). */
export function decodeIntegerCursor(cursor: string, kind: string, arity: number): number[] {
  const key = decodeCursor(cursor, kind, arity);
  if (key.some((v) => v === null)) throw new InvalidCursorError();
  return key as number[];
}
