import { readFileSync } from 'node:fs';
import { OPENAPI_FILE, responseViolation } from '../support/openapi-validator';
import { startTestApp, TestApp } from '../support/test-app';

const customer = {
  phone_number: '5551234567',
  first_name: 'John',
  last_name: 'Smith',
  status: 'active',
  total_transactions: 0,
  active_loans: 0,
  version: 1,
  created_at: '2026-11-29T10:00:00.000Z',
  updated_at: '2026-11-29T10:00:00.000Z',
};
const problem = (status: number, code: string) => ({
  type: 'https://pawnshop.example/problems/x',
  title: 'T',
  status,
  detail: 'd',
  code,
  request_id: 'r-1',
});
const json = 'application/json; charset=utf-8';
const problemJson = 'application/problem+json; charset=utf-8';

describe('the committed OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('is what /docs-json serves (npm run openapi writes it)', async () => {
    const served = await t.http().get('/docs-json').expect(200);
    expect(served.body).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  });
});

describe('the response validator', () => {
  const sample = (
    method: string,
    url: string,
    status: number,
    body: unknown,
    contentType = json,
  ) => ({
    method,
    url,
    status,
    contentType,
    body,
    hasBody: true,
  });

  it('accepts what the document declares', () => {
    expect(
      responseViolation(sample('GET', '/api/v1/customer/555-123-4567?x=1', 200, customer)),
    ).toBeUndefined();
    expect(
      responseViolation(
        sample('GET', '/api/v1/customer/stats/', 403, problem(403, 'FORBIDDEN'), problemJson),
      ),
    ).toBeUndefined();
    expect(
      responseViolation(
        sample('GET', '/api/v1/nowhere', 404, problem(404, 'NOT_FOUND'), problemJson),
      ),
    ).toBeUndefined();
  });

  it('refuses an undeclared status', () => {
    expect(responseViolation(sample('GET', '/api/v1/customer/5551234567', 201, customer))).toMatch(
      /does not declare status 201/,
    );
    expect(
      responseViolation(sample('GET', '/health/live', 404, problem(404, 'NOT_FOUND'), problemJson)),
    ).toMatch(/does not declare/);
  });

  it('refuses a body that does not match the schema, or an extra field', () => {
    expect(
      responseViolation(
        sample('GET', '/api/v1/customer/5551234567', 200, { ...customer, version: 'one' }),
      ),
    ).toMatch(/version/);
    expect(
      responseViolation(
        sample('GET', '/api/v1/customer/5551234567', 200, { ...customer, _id: 'x' }),
      ),
    ).toMatch(/additional/);
    expect(
      responseViolation(
        sample('GET', '/api/v1/auth/users', 200, {
          items: [{ username: 'a', role: 'staff' }],
          total: 1,
          page: 1,
          per_page: 10,
          pages: 1,
        }),
      ),
    ).toMatch(/required/);
  });

  it('refuses a problem served as application/json, or a success served as a problem', () => {
    expect(
      responseViolation(
        sample('GET', '/api/v1/customer/5551234567', 404, problem(404, 'CUSTOMER_NOT_FOUND')),
      ),
    ).toMatch(/content type application\/json/);
    expect(responseViolation(sample('GET', '/api/v1/nowhere', 200, {}))).toMatch(
      /no documented operation/,
    );
  });
});
