import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BODY_LIMIT_KIB } from '../../app.constants';
import { isConnectionLoss, isDatabaseDown, isTimeLimitExceeded } from '../../database/database-errors';
import { ApiException, RETRY_LATER } from './api-exception';
import { FieldError, PROBLEM_CONTENT_TYPE, ProblemDocument, ProblemMembers, problemTypeFor, titleFor } from './problem';
import { ProblemCode } from './problem-codes';

interface MappedError {
  status: number;
  code: ProblemCode;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  members?: ProblemMembers;
}

const DEFAULT_CODES: Record<number, ProblemCode> = {
  400: 'MALFORMED_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Maps anything thrown into status, code and a client-safe detail. Unknown errors stay opaque. */
export function mapError(error: unknown): MappedError {
  if (error instanceof ApiException) {
    const { code, detail, errors, headers, members } = error;
    return { status: error.getStatus(), code, detail, errors, headers, ...(members ? { members } : {}) };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, code: DEFAULT_CODES[status] ?? 'HTTP_ERROR', detail: httpExceptionDetail(error) };
  }
  const err = error as { name?: string; code?: string; statusCode?: number } | undefined;
  if (isDatabaseDown(error) || isConnectionLoss(error)) {
    return { status: 503, code: 'DATABASE_UNAVAILABLE', detail: 'The database is unavailable; retry shortly.', headers: RETRY_LATER };
  }
  if (isTimeLimitExceeded(error)) {
    return { status: 503, code: 'DATABASE_BUSY', detail: 'The database did not answer in time; retry shortly.', headers: RETRY_LATER };
  }
  const fastifyError = mapFastifyError(err);
  if (fastifyError) return fastifyError;
  return { status: 500, code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred.' };
}

const UNSUPPORTED_MEDIA_TYPE_DETAIL = 'Send a JSON body with Content-Type: application/json.';

function httpExceptionDetail(error: HttpException): string {
  const status = error.getStatus();
  if (status === 404) return 'No such resource.';
  if (status === 415) return UNSUPPORTED_MEDIA_TYPE_DETAIL;
  if (status >= 500) return 'An unexpected error occurred.';
  const response = error.getResponse();
  const message = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
  // Fastify's body-parser messages, in our words (a __proto__ or constructor key also lands here).
  if (status === 400 && typeof message === 'string' && /json|body/i.test(message))
    return 'The request body is not valid JSON, or holds a forbidden __proto__ or constructor key.';
  return typeof message === 'string' ? message : titleFor(status);
}

/** Errors raised by Fastify itself before a handler runs (routing, body parsing, size limits). */
function mapFastifyError(err: { code?: string; statusCode?: number } | undefined): MappedError | undefined {
  switch (err?.code) {
    case 'FST_ERR_BAD_URL':
      return { status: 400, code: 'MALFORMED_REQUEST', detail: 'The URL is not validly percent-encoded.' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        status: 422,
        code: 'VALIDATION_FAILED',
        detail: 'A path parameter is too long.',
        errors: [{ field: 'path', message: 'a path parameter exceeds the length limit' }],
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: `The request body exceeds ${BODY_LIMIT_KIB} KiB.` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: UNSUPPORTED_MEDIA_TYPE_DETAIL };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'MALFORMED_REQUEST', detail: 'The request body is not valid JSON.' };
  }
  if (err?.statusCode === 400 && (err as Error).name === 'SyntaxError')
    return { status: 400, code: 'MALFORMED_REQUEST', detail: 'The request body is not valid JSON.' };
  if (err?.statusCode && err.statusCode >= 400 && err.statusCode < 500)
    return { status: err.statusCode, code: DEFAULT_CODES[err.statusCode] ?? 'BAD_REQUEST', detail: titleFor(err.statusCode) };
  return undefined;
}

export function toProblem(mapped: MappedError, requestId: string): ProblemDocument {
  return {
    ...mapped.members,
    type: problemTypeFor(mapped.code),
    title: titleFor(mapped.status),
    status: mapped.status,
    detail: mapped.detail,
    code: mapped.code,
    request_id: requestId,
    ...(mapped.errors ? { errors: mapped.errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: unknown, logger: Logger): void {
  const mapped = mapError(error);
  if (mapped.status >= 500) {
    logger.error({ msg: 'request failed', request_id: request.id, status: mapped.status, err: describe(error) });
  }
  for (const [name, value] of Object.entries(mapped.headers ?? {})) reply.header(name, value);
  reply
    .status(mapped.status)
    .header('Content-Type', PROBLEM_CONTENT_TYPE)
    .header('Cache-Control', 'no-store')
    .send(toProblem(mapped, String(request.id)));
}

const frameworkLogger = new Logger('Http');

/**
 * Fastify's routing errors (a badly percent-encoded URL, an over-long path parameter) skip the
 * hooks, the error handler and Nest: this is the adapter's `frameworkErrors` option for them.
 */
export function sendFrameworkError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('X-Request-Id', request.id);
  sendProblem(reply, request, error, frameworkLogger);
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}

/** The one place where an error becomes an HTTP response. */
@Catch()
export class ProblemExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(http.getResponse<FastifyReply>(), http.getRequest<FastifyRequest>(), exception, this.logger);
  }
}
