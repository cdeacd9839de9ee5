// A line's `err` (pino's error serializer, kept whole in its data) split for display: what failed, where, and any
// extra properties the error carried (a code, an HTTP status, the failing URL). Pure.
import type { Json } from '../shared/events.js';

export interface ErrParts {
  type: string | null;
  message: string;
  stack: string | null;
  /** Every other property of the error, or null when it has none. */
  extra: { [key: string]: Json } | null;
}

/** The err of a line's data, and the data without it; err is null when the line has none. */
export function splitErr(data: Json | null): { err: ErrParts | null; rest: Json | null } {
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !('err' in data)) {
    return { err: null, rest: data };
  }
  const { err: raw, ...others } = data;
  const rest = Object.keys(others).length === 0 ? null : others;
  if (typeof raw === 'string') return { err: { type: null, message: raw, stack: null, extra: null }, rest };
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw))
    return { err: null, rest: data };
  const { type, message, stack, ...extra } = raw;
  return {
    err: {
      type: typeof type === 'string' ? type : null,
      message: typeof message === 'string' ? message : '',
      stack: typeof stack === 'string' ? stack : null,
      extra: Object.keys(extra).length === 0 ? null : extra,
    },
    rest,
  };
}
