/** RFC 9457 problem document, as every error response of this API is shaped. */
export interface FieldError {
  field: string;
  message: string;
}

/** Members some problems carry beyond the standard ones (declared per code in the OpenAPI document). */
export interface ProblemMembers {
  /** INVALID_STATUS_TRANSITION: the customer's status, and the statuses the action accepts. */
  current_status?: string;
  allowed_from?: readonly string[];
  /** CUSTOMER_HAS_ACTIVE_LOANS: how many loans are still open. */
  active_loans?: number;
}

export interface ProblemDocument extends ProblemMembers {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://pawnshop.example/problems/';

export function problemTypeFor(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}
