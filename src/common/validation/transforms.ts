import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/** Whitespace and invisible format characters (zero-width space, direction marks …) at either end. */
const OUTER_BLANKS = /^[\s\p{Cf}]+|[\s\p{Cf}]+$/gu;
const trimText = (text: string) => text.replace(OUTER_BLANKS, '');

/**
 * Trims a string value, invisible characters included, so that a value that only looks empty
 * is empty; other values pass through for the validators to refuse.
 */
export const trim = Transform(({ value }) => (typeof value === 'string' ? trimText(value) : value));

export const trimLower = Transform(({ value }) =>
  typeof value === 'string' ? trimText(value).toLowerCase() : value,
);

/** No control characters (tabs, line breaks, escapes …): for single-line values such as names. */
export const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

/** No control, format or whitespace characters at all: for emails. */
export const NO_INVISIBLE_CHARACTERS = /^[^\p{C}\s]*$/u;

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

/**
 * An email as sent: trimmed and lower-cased; `""` (or only blanks) and `null` become `blank`:
 * `undefined` on create (no email, what a web form sends for a blank field), `null` on update
 * (removes it).
 */
export const emailInput = (blank: undefined | null) =>
  Transform(({ value }) => {
    if (value === null) return blank;
    if (typeof value !== 'string') return value;
    const email = trimText(value).toLowerCase();
    return email === '' ? blank : email;
  });
