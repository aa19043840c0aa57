import { HttpException } from '@nestjs/common';
import { FieldError, ProblemMembers } from './problem';
import { ProblemCode } from './problem-codes';

/**
 * An error with a stable machine code, turned into a problem document by the global filter.
 * `headers` are added to the response (e.g. Retry-After); `members` are extra members of the
 * problem document that let a client act on it (e.g. `current_status`, `allowed_from`).
 */
export class ApiException extends HttpException {
  constructor(
    status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    readonly members?: ProblemMembers,
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
