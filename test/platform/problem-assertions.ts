import type { Response } from 'supertest';

/** Signs of an internal leak that must never reach a client. */
const LEAKS = [
  /\n\s+at /,
  /node_modules/,
  /\/src\//,
  /\/dist\//,
  /\.ts:\d+/,
  /\.js:\d+/,
  /Mongo\w*Error/,
  /E11000/,
];

/**
 * Asserts an RFC 9457 problem response: status, content type, the documented fields, the
 * request id of the response, and nothing internal anywhere in the body.
 */
export function expectProblem(res: Response, status: number, code?: string): void {
  expect(`${res.status} ${res.text}`).toMatch(new RegExp(`^${status} `));
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json\b/);
  expect(res.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code: code ?? expect.stringMatching(/^[A-Z][A-Z0-9_]*$/),
      request_id: res.headers['x-request-id'],
    }),
  );
  expect(res.body.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
  const allowed = ['type', 'title', 'status', 'detail', 'code', 'request_id', 'errors'];
  expect(Object.keys(res.body).filter((key) => !allowed.includes(key))).toEqual([]);
  expectNoLeak(res);
}

export function expectNoLeak(res: Response): void {
  for (const leak of LEAKS) expect(res.text).not.toMatch(leak);
  expect(res.text).not.toMatch(/"stack"/);
}

/** The body without its per-request id, for comparing two answers. */
export function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'request_id'));
}
