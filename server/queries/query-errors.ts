// The query layer's failures (errors.ts is the query for run errors), each with a stable machine-readable code (as fastify's FST_ERR_*). The query layer knows
// nothing of HTTP: the route layer maps each code to a status (server/routes/http-errors.ts). The codes survive the
// trip back from a query worker, where the class does not.

export const QUERY_ERROR_CODES = ['RB_ERR_INVALID_CURSOR', 'RB_ERR_QUERY_TOO_BROAD'] as const;
export type QueryErrorCode = (typeof QUERY_ERROR_CODES)[number];

export abstract class QueryError extends Error {
  abstract readonly code: QueryErrorCode;
}

/** A cursor that is not one this list handed out: the client's mistake. */
export class InvalidCursorError extends QueryError {
  override name = 'InvalidCursorError';
  readonly code = 'RB_ERR_INVALID_CURSOR';
  constructor() {
    super('query parameter "cursor" is not a valid cursor for this list');
  }
}

/** The query would take too long or look at too many lines: the client should narrow it. */
export class QueryBudgetExceeded extends QueryError {
  override name = 'QueryBudgetExceeded';
  readonly code = 'RB_ERR_QUERY_TOO_BROAD';
  constructor(reason: string) {
    super(
      `search too broad: ${reason}; narrow your search (longer text, a level or step, or an offset range with ` +
        'before/after)',
    );
  }
}
