import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError } from '../problem/problem';
import { validationFailed } from '../problem/api-exception';

/** Checks whose failure explains the others: a missing password is "must be a string", not "too long". */
const FUNDAMENTAL_CHECKS = [
  'whitelistValidation',
  'unknownValue',
  'isDefined',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isIn',
];

/** The one message a field gets: its most fundamental failed check. */
function mainMessage(constraints: Record<string, string>): string | undefined {
  const check = FUNDAMENTAL_CHECKS.find((name) => name in constraints) ?? Object.keys(constraints)[0];
  return check === undefined ? undefined : constraints[check];
}

/** Flattens class-validator's tree into `{ field: 'a.b', message }` entries, one per field. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const message = mainMessage(error.constraints ?? {});
    const own = message === undefined ? [] : [{ field, message }];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** No DTO nests anywhere near this deep; class-transformer recurses and overflows the stack near 2000. */
export const MAX_INPUT_DEPTH = 32;

/** Whether `value` nests objects or arrays deeper than `limit` (iterative: deep input must not overflow here either). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The path (`a.b.0`) of the first string or key holding a NUL character, if any. MongoDB keeps
 * NUL in strings, but no field of ours has a use for one, and FerretDB's PostgreSQL backend
 * cannot store it (jsonb refuses `\u0000`): refusing it here keeps it a 422 on every server.
 */
export function pathOfNulCharacter(value: unknown, parent = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? parent : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const path = parent ? `${parent}.${key}` : key;
    if (key.includes('\u0000')) return path;
    const found = pathOfNulCharacter(child, path);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Refuses absurdly nested input with a 422 before class-transformer recurses into it, and NUL
 * characters anywhere in a body, query or path parameter.
 */
class GuardedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return super.transform(value, metadata);
    const root = metadata.data ?? '';
    if (nestsDeeperThan(value, MAX_INPUT_DEPTH)) {
      throw validationFailed([{ field: root || metadata.type, message: `nests deeper than ${MAX_INPUT_DEPTH} levels` }]);
    }
    const nulAt = pathOfNulCharacter(value, root);
    if (nulAt !== undefined) {
      throw validationFailed([{ field: nulAt || metadata.type, message: 'must not contain NUL characters' }]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Whitelisting validation for bodies, paths and queries: unknown properties are refused (no mass
 * assignment, no smuggled operators), values are transformed into their DTO types.
 */
export function createValidationPipe(): ValidationPipe {
  return new GuardedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
