import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/** Trims a string value; other values pass through for the validators to refuse. */
export const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export const trimLower = Transform(({ value }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value,
);

/** Validates the field only when sent: unlike `@IsOptional()`, an explicit `null` is validated (and refused). */
export const whenSent = ValidateIf((_object, value) => value !== undefined);

/** Validates the field when sent and not `null` (for fields that `null` removes). */
export const whenNotNull = ValidateIf((_object, value) => value !== undefined && value !== null);

/**
 * A query-string integer: plain decimal digits only, so that `1e1`, ` 2` or `0x10` are refused
 * rather than read as numbers. Anything else stays a string for `@IsInt()` to refuse.
 */
export const toInteger = Transform(({ value }) =>
  typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value,
);
