/**
 * Patterns the OpenAPI document declares for what the validators enforce. They are ECMAScript
 * patterns with the `u` flag (as JSON Schema validators such as Ajv apply them). "Trim-aware":
 * the service trims whitespace and invisible format characters (\p{Cf}) off both ends before
 * checking a length, so a pattern says "not only blanks" rather than forbidding spaces.
 */

/** Contains a character that is not a blank: the value is not empty once trimmed. */
export const NOT_BLANK = '[^\\s\\p{Cf}]';

/** A name: not blank, and no control characters (tabs, line breaks …) inside. */
export const SINGLE_LINE_NOT_BLANK = '^\\P{Cc}*[^\\s\\p{Cf}\\p{Cc}]\\P{Cc}*$';

/** At least `n` characters between the first and the last non-blank character (n >= 2). */
export const atLeastTrimmed = (n: number) => `${NOT_BLANK}[\\s\\S]{${n - 2},}${NOT_BLANK}`;

/**
 * A US phone number as the service accepts it (see common/phone): 10 digits, optionally after
 * +1 or 1, with single spaces, dots or dashes between the groups and the area code optionally
 * in parentheses: 5551234567, 555-123-4567, (555) 123-4567, +1 555 123 4567.
 */
export const PHONE_INPUT = '^(\\+?1[ .-]?)?(\\(\\d{3}\\) ?|\\d{3}[ .-]?)\\d{3}[ .-]?\\d{4}$';
export const PHONE_INPUT_MAX = 32;
/** A phone number as stored and answered. */
export const PHONE_STORED = '^\\d{10}$';

const YEAR = '\\d{4}';
const LEAP_YEAR = '(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)';
/** A real calendar date (YYYY-MM-DD), 29 February in leap years only. */
const CALENDAR_DATE =
  `(?:${YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))` +
  `|${LEAP_YEAR}-02-29)`;
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,9})?';
const OFFSET = '(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';
/**
 * An RFC 3339 timestamp with upper-case T and Z (2026-11-30T10:00:00Z, …:00.123+01:00) or a
 * plain date (2026-11-30), of a day that exists.
 */
export const TIMESTAMP_OR_DATE = `^${CALENDAR_DATE}(?:T${TIME}${OFFSET})?$`;

/** An entity tag list as If-Match takes it: "3", 3, W/"3", several comma-separated, or *. */
const ENTITY_TAG = '(?:(?:W/)?"\\d{1,15}"|\\d{1,15})';
export const IF_MATCH = `^\\s*(?:\\*|${ENTITY_TAG}(?:\\s*,\\s*${ENTITY_TAG})*)\\s*$`;

/** 1-128 characters of A-Z a-z 0-9 _ . : - */
export const IDEMPOTENCY_KEY = '^[A-Za-z0-9_.:-]{1,128}$';

/**
 * A username as the service takes it: 3-64 letters, digits, dots, dashes or underscores, the
 * first a letter or digit; capitals are folded to lower case and surrounding blanks trimmed.
 */
export const USERNAME_INPUT = '^[\\s\\p{Cf}]*[A-Za-z0-9][A-Za-z0-9._-]{2,63}[\\s\\p{Cf}]*$';
/** A username as stored and answered. */
export const USERNAME_STORED = '^[a-z0-9][a-z0-9._-]{2,63}$';
