import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiException } from './api-exception';
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

/** Socket errors the driver passes on as they are when the database goes away mid-command. */
const CONNECTION_LOSS_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']);

/**
 * Seen under load while the database was stopped: a plain `Error` (EPIPE, "This socket has been
 * ended by the other party") from the driver's write, and FerretDB answering the commands it was
 * running as it shut down with "context canceled". Both mean the database went away.
 */
function isDatabaseConnectionLoss(error: unknown): boolean {
  const { name, code, message } = (error ?? {}) as { name?: string; code?: unknown; message?: unknown };
  if (typeof code === 'string' && CONNECTION_LOSS_CODES.has(code)) return true;
  return name === 'MongoServerError' && typeof message === 'string' && message.includes('context canceled');
}

/** MongoDB's MaxTimeMSExpired: a read ran past its time limit. */
const MAX_TIME_EXPIRED = 50;

/**
 * Driver and Mongoose error classes that mean "the database cannot be reached right now". Matched
 * against every class in the error's prototype chain, because the driver subclasses them with
 * names of their own (`PoolClearedOnNetworkError` is a `MongoNetworkError`) and closes pools and
 * clients while it reconnects (`PoolClosedError`, `MongoClientClosedError`).
 */
const DATABASE_DOWN_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError', // and MongoNetworkTimeoutError, PoolClearedError, PoolClearedOnNetworkError
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoClientClosedError',
  'MongoPoolClearedError',
  'MongoPoolClosedError',
  'PoolClosedError',
  'MongoWaitQueueTimeoutError',
  'WaitQueueTimeoutError',
]);

function isDatabaseDown(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (DATABASE_DOWN_ERRORS.has((error as { name?: string }).name ?? '')) return true;
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    if (DATABASE_DOWN_ERRORS.has((proto as { constructor?: { name?: string } }).constructor?.name ?? '')) return true;
  }
  return false;
}

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
  if (isDatabaseDown(error)) {
    return { status: 503, code: 'DATABASE_UNAVAILABLE', detail: 'The database is unavailable; retry shortly.', headers: { 'Retry-After': '5' } };
  }
  if (isDatabaseConnectionLoss(error)) {
    return { status: 503, code: 'DATABASE_UNAVAILABLE', detail: 'The database is unavailable; retry shortly.', headers: { 'Retry-After': '5' } };
  }
  if (err?.name === 'MongoServerError' && (error as { code?: unknown }).code === MAX_TIME_EXPIRED) {
    return { status: 503, code: 'DATABASE_BUSY', detail: 'The database did not answer in time; retry shortly.', headers: { 'Retry-After': '5' } };
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
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: 'The request body exceeds 16 KiB.' };
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
