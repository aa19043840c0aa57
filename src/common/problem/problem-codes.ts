/**
 * Every `code` a problem document of this API can carry. ApiException takes only these, so a new
 * code cannot be answered before it is listed here, and the OpenAPI document declares this list
 * as the `ProblemCode` enum.
 */
export const PROBLEM_CODES = [
  // Any operation
  'MALFORMED_REQUEST',
  'HEADERS_TOO_LARGE',
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INTERNAL_ERROR',
  'DATABASE_UNAVAILABLE',
  'DATABASE_BUSY',
  // Auth and users
  'INVALID_CREDENTIALS',
  'TOO_MANY_LOGIN_ATTEMPTS',
  'USERNAME_TAKEN',
  'USER_NOT_FOUND',
  'CANNOT_DEMOTE_SELF',
  'PASSWORD_CHANGE_REQUIRED',
  'MFA_ENROLMENT_REQUIRED',
  'MFA_ALREADY_ENABLED',
  'MFA_NOT_ENROLLING',
  'INVALID_MFA_CODE',
  'INVALID_MFA_TOKEN',
  // Customers
  'CUSTOMER_NOT_FOUND',
  'CUSTOMER_ALREADY_EXISTS',
  'CUSTOMER_ARCHIVED',
  'CONCURRENT_MODIFICATION',
  'VERSION_MISMATCH',
  'INVALID_STATUS_TRANSITION',
  'CUSTOMER_HAS_ACTIVE_LOANS',
  'CUSTOMER_NOT_ACTIVE',
  'NO_ACTIVE_LOANS',
  'IDEMPOTENCY_KEY_REUSED',
  // HTTP errors raised by the framework with no code of ours (not expected in practice)
  'METHOD_NOT_ALLOWED',
  'REQUEST_TIMEOUT',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'BAD_REQUEST',
  'HTTP_ERROR',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export const isProblemCode = (value: string): value is ProblemCode =>
  (PROBLEM_CODES as readonly string[]).includes(value);
