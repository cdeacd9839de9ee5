// JSON error bodies ({ error, message, statusCode }) for every failure the API returns, validation included.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '../../shared/api.js';

export function errorBody(statusCode: number, message: string): ApiError {
  return { error: STATUS_CODES[statusCode] ?? 'Error', message, statusCode };
}

export function sendError(reply: FastifyReply, statusCode: number, message: string): FastifyReply {
  return reply.code(statusCode).type('application/json; charset=utf-8').send(errorBody(statusCode, message));
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
    return sendError(reply, 400, validationMessage(error.validationContext, error.validation));
  }
  const statusCode = error.statusCode ?? 500;
  if (statusCode >= 400 && statusCode < 500) return sendError(reply, statusCode, error.message);
  request.log.error({ err: error }, 'request failed');
  return sendError(reply, statusCode >= 500 && statusCode < 600 ? statusCode : 500, 'internal error');
}
