import { startTestApp, TestApp } from '../support/test-app';

/**
 * A path parameter sent empty (a client that fills `{phone}` or `{username}` with '') never
 * reaches another operation: the request is refused, and nothing changes.
 */
describe('empty path parameters', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
  });
  afterAll(() => t.close());

  it.each([
    ['put', '/api/v1/customer/', { first_name: 'X' }],
    ['post', '/api/v1/customer//transactions', { type: 'loan_opened' }],
    ['post', '/api/v1/customer//suspend', { reason: 'Empty phone' }],
    ['get', '/api/v1/customer//history', undefined],
    ['patch', '/api/v1/auth/users/', { role: 'staff' }],
  ] as const)('%s %s is refused (404 or 422), never answered by another route', async (method, path, body) => {
    const call = t.http()[method](path).set('Authorization', `Bearer ${token}`);
    const res = body ? await call.send(body) : await call;
    expect([404, 422]).toContain(res.status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await t.connection.db!.collection('customers').countDocuments()).toBe(0);
  });
});
