import type { Middleware } from 'openapi-fetch';
import { createPawnshopClient, etagOf, PawnshopClient } from '../../sdk';
import { assertResponseConforms } from '../support/openapi-validator';
import { ADMIN, startTestApp, TestApp } from '../support/test-app';

/** Every response the SDK receives is checked against the document, as t.http()'s are. */
const conformsToDocument: Middleware = {
  async onResponse({ request, response }) {
    const text = await response.clone().text();
    const contentType = response.headers.get('content-type') ?? undefined;
    const url = new URL(request.url);
    assertResponseConforms({
      method: request.method,
      url: url.pathname + url.search,
      status: response.status,
      contentType,
      body: text && /[/+]json\b/.test(contentType ?? '') ? JSON.parse(text) : text,
      hasBody: text !== '',
    });
    return undefined;
  },
};

describe('the generated SDK against the running app', () => {
  let t: TestApp;
  let baseUrl: string;
  const clientFor = (token?: string): PawnshopClient => {
    const client = createPawnshopClient(baseUrl, token);
    client.use(conformsToDocument);
    return client;
  };

  beforeAll(async () => {
    t = await startTestApp();
    baseUrl = await t.listen();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('logs in, and refuses a wrong password with a typed problem', async () => {
    const anonymous = clientFor();
    const ok = await anonymous.POST('/api/v1/auth/login', { body: ADMIN });
    expect(ok.response.status).toBe(200);
    expect(ok.data).toMatchObject({
      token_type: 'Bearer',
      role: 'admin',
      access_token: expect.any(String),
    });

    const wrong = await anonymous.POST('/api/v1/auth/login', {
      body: { username: ADMIN.username, password: 'not-the-password' },
    });
    expect(wrong.response.status).toBe(401);
    expect(wrong.error).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
  });

  it('drives a customer through create, search, update with If-Match, a status change, a transaction and history', async () => {
    const login = await clientFor().POST('/api/v1/auth/login', { body: ADMIN });
    const api = clientFor(login.data!.access_token);

    const me = await api.GET('/api/v1/auth/me');
    expect(me.data).toEqual({ username: ADMIN.username, role: 'admin' });

    const created = await api.POST('/api/v1/customer', {
      body: {
        phone_number: '(555) 010-4477',
        first_name: 'José',
        last_name: "O'Brien",
        email: 'Jose@Example.com',
      },
    });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({
      phone_number: '5550104477',
      email: 'jose@example.com',
      status: 'active',
      version: 1,
      total_transactions: 0,
      active_loans: 0,
    });
    const phone = created.data!.phone_number;

    const duplicate = await api.POST('/api/v1/customer', {
      body: { phone_number: phone, first_name: 'Ann', last_name: 'Other' },
    });
    expect(duplicate.response.status).toBe(409);
    expect(duplicate.error?.code).toBe('CUSTOMER_ALREADY_EXISTS');

    const found = await api.GET('/api/v1/customer', {
      params: { query: { search: "JOS o'br", per_page: 5 } },
    });
    expect(found.data).toMatchObject({ total: 1, page: 1, per_page: 5, pages: 1 });
    expect(found.data!.items.map((customer) => customer.phone_number)).toEqual([phone]);
    const byDigits = await api.GET('/api/v1/customer', { params: { query: { search: '0104' } } });
    expect(byDigits.data!.items.map((customer) => customer.phone_number)).toEqual([phone]);

    const fetched = await api.GET('/api/v1/customer/{phone}', { params: { path: { phone } } });
    const etag = etagOf(fetched.response);
    expect(etag).toBe('"1"');

    const updated = await api.PUT('/api/v1/customer/{phone}', {
      params: { path: { phone }, header: { 'If-Match': etag } },
      body: { notes: 'Prefers morning visits', email: null },
    });
    expect(updated.response.status).toBe(200);
    expect(updated.data).toMatchObject({ version: 2, notes: 'Prefers morning visits' });
    expect(updated.data).not.toHaveProperty('email');
    expect(etagOf(updated.response)).toBe('"2"');

    const stale = await api.PUT('/api/v1/customer/{phone}', {
      params: { path: { phone }, header: { 'If-Match': etag } },
      body: { first_name: 'Joe' },
    });
    expect(stale.response.status).toBe(412);
    expect(stale.error?.status).toBe(412);

    const loan = await api.POST('/api/v1/customer/{phone}/transactions', {
      params: { path: { phone }, header: { 'Idempotency-Key': 'sdk-loan-1' } },
      body: { type: 'loan_opened' },
    });
    expect(loan.response.status).toBe(201);
    expect(loan.data).toMatchObject({ active_loans: 1, total_transactions: 1 });

    const suspended = await api.POST('/api/v1/customer/{phone}/suspend', {
      params: { path: { phone } },
      body: { reason: 'Identity documents expired' },
    });
    expect(suspended.response.status).toBe(200);
    expect(suspended.data).toMatchObject({ status: 'suspended' });

    const refused = await api.POST('/api/v1/customer/{phone}/transactions', {
      params: { path: { phone } },
      body: { type: 'purchase' },
    });
    expect(refused.response.status).toBe(409);
    expect(refused.error?.code).toBe('CUSTOMER_NOT_ACTIVE');

    const history = await eventually(async () => {
      const page = await api.GET('/api/v1/customer/{phone}/history', {
        params: { path: { phone }, query: { per_page: 10 } },
      });
      return page.data!.total >= 4 ? page.data : undefined;
    });
    expect(history.items.map((event) => event.action)).toEqual([
      'customer.status_changed',
      'customer.transaction_recorded',
      'customer.updated',
      'customer.created',
    ]);
    expect(history.items[0]).toMatchObject({
      from_status: 'active',
      to_status: 'suspended',
      reason: 'Identity documents expired',
      actor: { username: ADMIN.username, role: 'admin' },
    });
  });

  it('reads statistics and the audit trail as admin, and gets typed 403s as staff', async () => {
    const admin = clientFor(await t.adminToken());
    await admin.POST('/api/v1/customer', {
      body: { phone_number: '5550100001', first_name: 'Ann', last_name: 'Lee' },
    });

    const stats = await admin.GET('/api/v1/customer/stats');
    expect(stats.data).toMatchObject({ total_customers: 1, by_status: { active: 1 } });
    const audit = await eventually(async () => {
      const page = await admin.GET('/api/v1/audit', {
        params: { query: { action: 'customer.created' } },
      });
      return page.data!.total >= 1 ? page.data : undefined;
    });
    expect(audit.items[0]).toMatchObject({
      action: 'customer.created',
      phone_number: '5550100001',
    });

    const staff = clientFor(await t.userToken('staff'));
    const forbidden = await staff.GET('/api/v1/customer/stats');
    expect(forbidden.response.status).toBe(403);
    expect(forbidden.error?.code).toBe('FORBIDDEN');
  });
});

/** Audit events are relayed just after the change: poll briefly instead of sleeping. */
async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
