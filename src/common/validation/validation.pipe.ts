import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError } from '../problem/problem';
import { validationFailed } from '../problem/api-exception';

/** Flattens class-validator's tree into `{ field: 'a.b', message }` entries. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * Whitelisting validation for bodies, paths and queries: unknown properties are refused (no mass
 * assignment, no smuggled operators), values are transformed into their DTO types.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: true,
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
