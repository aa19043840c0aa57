import { HttpException } from '@nestjs/common';
import { FieldError } from './problem';

/**
 * An error with a stable machine code, turned into a problem document by the global filter.
 * `headers` are added to the response (e.g. Retry-After).
 */
export class ApiException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail, status);
  }
}

/** How long a client should wait after a 429 or 503 before retrying, in seconds. */
export const RETRY_AFTER_SECONDS = 5;
/** The header that says so. */
export const RETRY_LATER: Readonly<Record<string, string>> = { 'Retry-After': String(RETRY_AFTER_SECONDS) };

export const validationFailed = (errors: FieldError[], detail = 'The request is not valid.') =>
  new ApiException(422, 'VALIDATION_FAILED', detail, errors);
