import type { Exchange } from './http';

const PROBLEM_KEYS = ['type', 'title', 'status', 'detail', 'code', 'request_id', 'errors'];
/** The members SPEC adds to two problems (*Status changes*): allowed on those codes only. */
const PROBLEM_MEMBERS: Record<string, string[]> = {
  INVALID_STATUS_TRANSITION: ['current_status', 'allowed_from'],
  CUSTOMER_HAS_ACTIVE_LOANS: ['active_loans'],
};
/** Signs of an internal detail that must never reach a client. */
const LEAKS = [/\n\s+at /, /node_modules/, /\/src\//, /\/dist\//, /\.ts:\d+/, /\.js:\d+/, /Mongo\w*Error/, /E11000/, /"stack"/];

/**
 * Why `res` is not an RFC 9457 problem document of the SPEC (undefined when it is): media type,
 * required fields, the response's own request id, field errors on a 422, nothing internal.
 */
export function problemViolation(res: Exchange): string | undefined {
  if (res.status === 0) return `no response (${res.error})`;
  if (!/^application\/problem\+json\b/.test(String(res.headers['content-type'])))
    return `content-type ${res.headers['content-type']}, not application/problem+json`;
  const body = res.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return 'body is not a JSON object';
  const members = PROBLEM_MEMBERS[body.code as string] ?? [];
  const extra = Object.keys(body).filter((key) => !PROBLEM_KEYS.includes(key) && !members.includes(key));
  if (extra.length > 0) return `unexpected keys ${extra.join(', ')}`;
  for (const key of ['type', 'title', 'detail', 'code', 'request_id']) {
    if (typeof body[key] !== 'string' || body[key] === '') return `${key} missing or not a string`;
  }
  if (body.status !== res.status) return `status ${String(body.status)} in the body, ${res.status} on the wire`;
  if (!/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(body.code as string)) return `code ${String(body.code)} is not UPPER_SNAKE`;
  if (!res.headers['x-request-id']) return 'no X-Request-Id header';
  if (body.request_id !== res.headers['x-request-id']) return 'request_id differs from X-Request-Id';
  if (res.status === 422) {
    const errors = body.errors as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(errors) || errors.length === 0) return '422 without errors[]';
    if (errors.some((e) => typeof e.field !== 'string' || typeof e.message !== 'string')) return 'errors[] entry without field/message';
  }
  const leak = LEAKS.find((pattern) => pattern.test(res.text));
  if (leak) return `leaks internals (${leak})`;
  return undefined;
}

export function assertProblem(res: Exchange, status?: number): void {
  if (status !== undefined && res.status !== status) {
    throw new Error(`expected ${status}, got ${res.status} ${res.error ?? ''} ${res.text.slice(0, 300)}`);
  }
  const violation = problemViolation(res);
  if (violation) throw new Error(`not a problem document (${res.status}): ${violation}\n${res.text.slice(0, 300)}`);
}
