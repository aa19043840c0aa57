import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError } from '../problem/problem';
import { validationFailed } from '../problem/api-exception';
import { UNSTORABLE_CHARACTER } from '../../database/database-errors';

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

/** Names every plain object inherits: class-validator's whitelist takes them for declared properties. */
const INHERITED_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

export interface ForbiddenInput {
  /** Where: `a.b.0`, or '' for the value itself. */
  path: string;
  message: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as sent, if it cannot. */
function stringProblem(text: string): string | undefined {
  if (text.includes(UNSTORABLE_CHARACTER)) return 'must not contain NUL characters';
  // A lone surrogate is not text: it would be stored as U+FFFD, so not as sent.
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (no lone surrogates)';
  return undefined;
}

/**
 * The first thing in a body, query or path value that must not get past validation: a string or
 * key holding NUL or a lone surrogate, or a key named after an Object.prototype member
 * (`constructor`, `toString` …), which whitelisting would let through as if it were declared.
 */
export function findForbiddenInput(value: unknown, parent = ''): ForbiddenInput | undefined {
  if (typeof value === 'string') {
    const message = stringProblem(value);
    return message ? { path: parent, message } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const path = parent ? `${parent}.${key}` : key;
    if (!Array.isArray(value) && INHERITED_NAMES.has(key))
      return { path, message: `property ${key} should not exist` };
    const keyProblem = stringProblem(key);
    if (keyProblem) return { path, message: keyProblem };
    const found = findForbiddenInput(child, path);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses absurdly nested input with a 422 before class-transformer recurses into it, and
 * forbidden input (see findForbiddenInput) anywhere in a body, query or path parameter.
 */
class GuardedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return super.transform(value, metadata);
    const root = metadata.data ?? '';
    if (nestsDeeperThan(value, MAX_INPUT_DEPTH)) {
      throw validationFailed([{ field: root || metadata.type, message: `nests deeper than ${MAX_INPUT_DEPTH} levels` }]);
    }
    const forbidden = findForbiddenInput(value, root);
    if (forbidden) {
      throw validationFailed([{ field: forbidden.path || metadata.type, message: forbidden.message }]);
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
