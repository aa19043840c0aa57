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

export const validationFailed = (errors: FieldError[], detail = 'The request is not valid.') =>
  new ApiException(422, 'VALIDATION_FAILED', detail, errors);
