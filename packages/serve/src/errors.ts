/**
 * Every error the server answers is one JSON shape, `{ statusCode, error, field, message }`,
 * where `field` names what was wrong: a query parameter (`k`), a body path
 * (`pairs/2/item`), `body` (malformed or oversize JSON), `content-type` or `url`.
 * Schema validation errors (Fastify's Ajv) are turned into it here; handlers throw
 * RequestError. Anything else is a 500 that is logged; nothing is left to crash the process.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { messageOf, type Logger } from '@deeprec/base';

export interface ErrorBody {
  statusCode: number;
  error: string;
  field: string;
  message: string;
}

export const ERROR_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'error', 'field', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string', description: 'the HTTP status text' },
    field: { type: 'string', description: 'what was wrong: a query parameter, a body path such as pairs/2/item, body, content-type or url' },
    message: { type: 'string' },
  },
} as const;

/** A request the handlers refuse: 400 for a bad value, 404 for an id or model that does not exist. */
export class RequestError extends Error {
  constructor(
    readonly statusCode: 400 | 404,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorBody(statusCode: number, field: string, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', field, message };
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** The value a validation error is about, quoted for the message, when the request has it. */
function found(request: FastifyRequest, context: string | undefined, path: string[]): string {
  let value: unknown = context === 'body' ? request.body : context === 'querystring' ? request.query : undefined;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return `, found ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function fromValidation(error: FastifyError, request: FastifyRequest): ErrorBody {
  const issue = (error.validation as AjvIssue[] | undefined)?.[0];
  const context = error.validationContext;
  if (!issue) return errorBody(400, context ?? 'request', error.message);
  const path = issue.instancePath.split('/').filter(Boolean);
  if (issue.keyword === 'required') path.push(String(issue.params.missingProperty));
  if (issue.keyword === 'additionalProperties') path.push(String(issue.params.additionalProperty));
  const field = path.join('/') || (context === 'body' ? 'body' : (context ?? 'request'));
  // Ajv's own wording ("must be integer", "must be <= 100"), with the value found
  if (issue.keyword === 'required') return errorBody(400, field, `${field}: required, found none`);
  const what = issue.keyword === 'additionalProperties' ? 'not a known field' : (issue.message ?? 'invalid');
  return errorBody(400, field, `${field}: ${what}${found(request, context, path)}`);
}

/** Fastify's own errors before a handler runs (body parsing, limits), by their codes. */
const FASTIFY_CODES: Record<string, { field: string; text: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { field: 'body', text: 'expected a JSON document' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { field: 'body', text: 'expected a JSON document, found an empty body' },
  FST_ERR_CTP_BODY_TOO_LARGE: { field: 'body', text: 'too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { field: 'content-type', text: 'expected application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { field: 'body', text: 'its length differs from Content-Length' },
};

export function toErrorBody(error: FastifyError | RequestError | Error, request: FastifyRequest, bodyLimit: number): ErrorBody {
  if (error instanceof RequestError) return errorBody(error.statusCode, error.field, error.message);
  const e = error as FastifyError;
  if (e.validation) return fromValidation(e, request);
  const known = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (known) {
    const limit = e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? ` (the limit is ${bodyLimit} bytes)` : '';
    return errorBody(e.statusCode ?? 400, known.field, `${known.field}: ${known.text}${limit}`);
  }
  // JSON.parse's SyntaxError, raised by the body parser with status 400
  if (e instanceof SyntaxError || e.statusCode === 400) return errorBody(400, 'body', `body: expected a JSON document (${messageOf(e)})`);
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) return errorBody(e.statusCode, 'request', messageOf(e));
  return errorBody(500, 'server', `internal error: ${messageOf(e)}`);
}

/** Fastify's error handler: the JSON shape above; 500s are logged with the request. */
export function errorHandler(log: Logger, bodyLimit: number) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const body = toErrorBody(error, request, bodyLimit);
    if (body.statusCode >= 500) log.info(`serve: ${request.method} ${request.url}: ${body.message}`);
    return reply.code(body.statusCode).send(body);
  };
}
