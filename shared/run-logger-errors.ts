// Turning whatever a pipeline throws or passes as `err` into pino's serialized error shape, so an `error` event
// always carries a message the parser can read, even for thrown strings or plain objects.
import pino from 'pino';
import type { SerializedError } from './events.js';

export type SerializedErrorLike = SerializedError & Record<string, unknown>;

export function serializeError(err: unknown): SerializedErrorLike {
  if (err instanceof Error) return pino.stdSerializers.err(err);
  if (err !== null && typeof err === 'object') {
    const fields = err as Record<string, unknown>;
    const serialized: SerializedErrorLike = { message: errorMessage(err) };
    if (typeof fields.type === 'string') serialized.type = fields.type;
    else if (typeof fields.name === 'string') serialized.type = fields.name;
    if (typeof fields.stack === 'string') serialized.stack = fields.stack;
    return serialized;
  }
  return { message: errorMessage(err) };
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  if (err !== null && typeof err === 'object') {
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
    try {
      return JSON.stringify(err) ?? Object.prototype.toString.call(err);
    } catch {
      return Object.prototype.toString.call(err);
    }
  }
  return String(err);
}
