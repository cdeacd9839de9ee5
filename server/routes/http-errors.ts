// JSON error bodies ({ error, message, statusCode, code }) for every failure the API returns, validation included.
// The route layer's errors and codes live here, and here only are codes of the layers below (the queries, the query
// pool) turned into HTTP statuses: those layers know nothing of HTTP.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '../../shared/api.js';
import type { QueryErrorCode } from '../queries/query-errors.js';

/** The code of an answer made here, by its status: stable, for clients to tell errors apart without the text. */
const CODE_OF_STATUS: Readonly<Record<number, string>> = {
  400: 'RB_ERR_BAD_REQUEST',
  401: 'RB_ERR_UNAUTHORIZED',
  403: 'RB_ERR_FORBIDDEN',
  404: 'RB_ERR_NOT_FOUND',
  421: 'RB_ERR_MISDIRECTED',
  429: 'RB_ERR_TOO_MANY_REQUESTS',
  500: 'RB_ERR_INTERNAL',
  503: 'RB_ERR_UNAVAILABLE',
};

/** A request whose parameters break the route's schema. */
export const VALIDATION_CODE = 'RB_ERR_VALIDATION';

/** The status each lower layer's error code is answered with. */
const STATUS_OF_CODE: Readonly<Record<QueryErrorCode | 'RB_ERR_QUERY_POOL_BUSY', number>> = {
  RB_ERR_INVALID_CURSOR: 400,
  RB_ERR_QUERY_TOO_BROAD: 422,
  RB_ERR_QUERY_POOL_BUSY: 429,
};

function statusOfCode(code: string | undefined): number | undefined {
  return code !== undefined && Object.hasOwn(STATUS_OF_CODE, code)
    ? STATUS_OF_CODE[code as keyof typeof STATUS_OF_CODE]
    : undefined;
}

export function codeOfStatus(statusCode: number): string {
  return CODE_OF_STATUS[statusCode] ?? (statusCode >= 500 ? 'RB_ERR_INTERNAL' : 'RB_ERR_REQUEST');
}

export function errorBody(statusCode: number, message: string, code = codeOfStatus(statusCode)): ApiError {
  return { error: STATUS_CODES[statusCode] ?? 'Error', message, statusCode, code };
}

export function sendError(
  reply: FastifyReply,
  statusCode: number,
  message: string,
  code = codeOfStatus(statusCode),
): FastifyReply {
  return reply
    .code(statusCode)
    .type('application/json; charset=utf-8')
    .send(errorBody(statusCode, message, code));
}

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** "querystring parameter "limit" must be <= 500": names the parameter, as the UI and curl users need. */
export function validationMessage(context: string | undefined, issues: readonly ValidationIssue[]): string {
  const issue = issues[0];
  if (!issue) return 'invalid request';
  const where = context === 'querystring' ? 'query parameter' : context === 'params' ? 'path parameter' : 'field';
  const missing = issue.params.missingProperty;
  const extra = issue.params.additionalProperty;
  const name =
    typeof missing === 'string'
      ? missing
      : typeof extra === 'string'
        ? extra
        : issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (issue.keyword === 'required') return `${where} "${name}" is required`;
  if (issue.keyword === 'additionalProperties') return `${where} "${name}" is not allowed`;
  return name === ''
    ? `${context ?? 'request'} ${issue.message ?? 'is invalid'}`
    : `${where} "${name}" ${issue.message ?? 'is invalid'}`;
}

/** Thrown by handlers for a 4xx the schema can't express (unknown id, inconsistent parameters). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string): HttpError => new HttpError(404, message);
export const badRequest = (message: string): HttpError => new HttpError(400, message);

export function apiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation) {
    return sendError(reply, 400, validationMessage(error.validationContext, error.validation), VALIDATION_CODE);
  }
  const known = statusOfCode(error.code);
  if (known !== undefined) return sendError(reply, known, error.message, error.code);
  const statusCode = error.statusCode ?? 500;
  if (statusCode >= 400 && statusCode < 500) return sendError(reply, statusCode, error.message);
  request.log.error({ err: error }, 'request failed');
  return sendError(reply, statusCode >= 500 && statusCode < 600 ? statusCode : 500, 'internal error');
}
