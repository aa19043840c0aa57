import { TestApp, useTestApp } from '../support/test-app';
import {
  applyStatus,
  bearer,
  CUSTOMERS,
  Customer,
  createCustomer,
  customerInStatus,
  expectCustomer,
  expectPage,
  expectProblem,
  expectValidationError,
  phonePath,
  phonesOf,
  recordTransaction,
  sleep,
} from '../support/customers';

jest.setTimeout(120_000);

describe('GET /api/v1/customer/{phone}', () => {
  let t: TestApp;
  let admin: string;
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
  });

  it('returns the customer with its ETag, to staff too', async () => {
    const created = await createCustomer(t, admin, {
      phone_number: '5551234567',
      first_name: 'John',
      last_name: 'Smith',
    });
    const staff = await t.userToken('staff');
    const res = await t.http().get(phonePath('5551234567')).set(bearer(staff));
    expect(expectCustomer(res, 200)).toEqual(created);
    expect(res.headers.etag).toBe('"1"');
  });

  it('answers 404 CUSTOMER_NOT_FOUND for an unknown phone', async () => {
    await createCustomer(t, admin, { phone_number: '5551234567' });
    const res = await t.http().get(phonePath('5559999999')).set(bearer(admin));
    expectProblem(res, 404, 'CUSTOMER_NOT_FOUND');
  });

  it('answers 404 CUSTOMER_NOT_FOUND for an unknown phone written with separators', async () => {
    const res = await t.http().get(phonePath('(555) 999-9999')).set(bearer(admin));
    expectProblem(res, 404, 'CUSTOMER_NOT_FOUND');
  });

  it('treats a trailing slash as the same path', async () => {
    await createCustomer(t, admin, { phone_number: '5551234567' });
    const res = await t
      .http()
      .get(`${phonePath('5551234567')}/`)
      .set(bearer(admin));
    expectCustomer(res, 200, { phone_number: '5551234567' });
  });

  it('needs a token (401)', async () => {
    await createCustomer(t, admin, { phone_number: '5551234567' });
    expectProblem(await t.http().get(phonePath('5551234567')), 401);
    expectProblem(
      await t.http().get(phonePath('5551234567')).set('Authorization', 'Bearer not-a-jwt'),
      401,
    );
  });

  describe('/stats is never a phone', () => {
    it('refuses staff with 403, not 404 or 422', async () => {
      const staff = await t.userToken('staff');
      expectProblem(await t.http().get(`${CUSTOMERS}/stats`).set(bearer(staff)), 403);
      expectProblem(await t.http().get(`${CUSTOMERS}/stats/`).set(bearer(staff)), 403);
    });

    it('answers admins with statistics, with or without a trailing slash', async () => {
      for (const path of [`${CUSTOMERS}/stats`, `${CUSTOMERS}/stats/`]) {
        const res = await t.http().get(path).set(bearer(admin));
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual(
          [
            'by_status',
            'customers_with_active_loans',
            'new_customers_last_30_days',
            'total_active_loans',
            'total_customers',
            'total_transactions',
          ].sort(),
        );
      }
    });
  });
});

describe('GET /api/v1/customer/', () => {
  let t: TestApp;
  let admin: string;
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
  });

  const list = (query: Record<string, string | number> = {}, token = admin) =>
    t.http().get(`${CUSTOMERS}/`).query(query).set(bearer(token));

  /** Creates `n` customers one after the other (distinct created_at), returns them oldest first. */
  async function createMany(n: number): Promise<Customer[]> {
    const created: Customer[] = [];
    for (let i = 0; i < n; i++) {
      created.push(
        await createCustomer(t, admin, {
          phone_number: `55500000${String(i).padStart(2, '0')}`,
          first_name: `First${i}`,
          last_name: `Last${i}`,
        }),
      );
      await sleep(3);
    }
    return created;
  }

  describe('pagination', () => {
    it('answers an empty database with an empty page', async () => {
      const items = expectPage(await list(), { total: 0, page: 1, per_page: 10 });
      expect(items).toEqual([]);
    });

    it('defaults to page 1 of 10, newest first, with the exact envelope', async () => {
      const created = await createMany(23);
      const res = await list();
      const items = expectPage(res, { total: 23, page: 1, per_page: 10, pages: 3 });
      expect(items).toEqual(created.slice().reverse().slice(0, 10));
    });

    it('walks the pages without gaps or repeats', async () => {
      const created = await createMany(23);
      const seen: string[] = [];
      for (const page of [1, 2, 3]) {
        const items = expectPage(await list({ page, per_page: 10 }), {
          total: 23,
          page,
          per_page: 10,
          pages: 3,
        });
        expect(items).toHaveLength(page === 3 ? 3 : 10);
        seen.push(...phonesOf(items));
      }
      expect(seen).toEqual(created.map((c) => c.phone_number).reverse());
    });

    it('honours per_page 1 and 100', async () => {
      await createMany(3);
      expect(
        expectPage(await list({ per_page: 1 }), { total: 3, page: 1, per_page: 1, pages: 3 }),
      ).toHaveLength(1);
      expect(
        expectPage(await list({ per_page: 100 }), { total: 3, page: 1, per_page: 100, pages: 1 }),
      ).toHaveLength(3);
    });

    const badPaging: [string, Record<string, string>][] = [
      ['per_page=0', { per_page: '0' }],
      ['per_page=101', { per_page: '101' }],
      ['per_page=-1', { per_page: '-1' }],
      ['per_page=abc', { per_page: 'abc' }],
      ['per_page=2.5', { per_page: '2.5' }],
      ['page=0', { page: '0' }],
      ['page=-1', { page: '-1' }],
      ['page=abc', { page: 'abc' }],
      ['page=1.5', { page: '1.5' }],
    ];
    it.each(badPaging)('refuses %s (422)', async (_label, query) => {
      await createMany(1);
      const res = await list(query);
      expectValidationError(res, Object.keys(query)[0]);
    });
  });

  describe('sorting', () => {
    let customers: Customer[];

    beforeEach(async () => {
      // Distinct values in every sortable field, in orders that differ from creation order.
      const specs = [
        { phone_number: '5550000003', first_name: 'Carol', last_name: 'Baker' },
        { phone_number: '5550000001', first_name: 'Alice', last_name: 'Dunn' },
        { phone_number: '5550000004', first_name: 'Dave', last_name: 'Adams' },
        { phone_number: '5550000002', first_name: 'Bob', last_name: 'Clark' },
      ];
      customers = [];
      for (const spec of specs) {
        customers.push(await createCustomer(t, admin, spec));
        await sleep(5);
      }
      // Counters: total_transactions 0003→1, 0002→2, 0001→3, 0004→4; active_loans 0003→0, 0002→1, 0001→2, 0004→3.
      const plan: Record<string, string[]> = {
        '5550000001': ['loan_opened', 'loan_opened', 'purchase'],
        '5550000002': ['loan_opened', 'sale'],
        '5550000003': ['payment'],
        '5550000004': ['loan_opened', 'loan_opened', 'loan_opened', 'payment'],
      };
      for (const [phone, types] of Object.entries(plan)) {
        for (const type of types) await recordTransaction(t, admin, phone, type as never);
      }
    });

    // Expected orders, ascending.
    const ascending: Record<string, string[]> = {
      created_at: ['5550000003', '5550000001', '5550000004', '5550000002'],
      first_name: ['5550000001', '5550000002', '5550000003', '5550000004'],
      last_name: ['5550000004', '5550000003', '5550000002', '5550000001'],
      phone_number: ['5550000001', '5550000002', '5550000003', '5550000004'],
      total_transactions: ['5550000003', '5550000002', '5550000001', '5550000004'],
      active_loans: ['5550000003', '5550000002', '5550000001', '5550000004'],
    };

    it('defaults to created_at descending', async () => {
      const items = expectPage(await list(), { total: 4, page: 1, per_page: 10 });
      expect(phonesOf(items)).toEqual(ascending.created_at.slice().reverse());
    });

    it.each(Object.keys(ascending))('sorts by %s asc and desc', async (field) => {
      const asc = expectPage(await list({ sort_by: field, sort_order: 'asc' }), {
        total: 4,
        page: 1,
        per_page: 10,
      });
      expect(phonesOf(asc)).toEqual(ascending[field]);
      const desc = expectPage(await list({ sort_by: field, sort_order: 'desc' }), {
        total: 4,
        page: 1,
        per_page: 10,
      });
      expect(phonesOf(desc)).toEqual(ascending[field].slice().reverse());
      const defaultOrder = expectPage(await list({ sort_by: field }), {
        total: 4,
        page: 1,
        per_page: 10,
      });
      expect(phonesOf(defaultOrder)).toEqual(ascending[field].slice().reverse());
    });

    it('sorts by updated_at asc and desc', async () => {
      // Whether a transaction touches updated_at is not specified: compare with the returned timestamps.
      const all = expectPage(await list({ sort_by: 'updated_at', sort_order: 'asc' }), {
        total: 4,
        page: 1,
        per_page: 10,
      }) as Customer[];
      const times = all.map((c) => Date.parse(c.updated_at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const desc = expectPage(await list({ sort_by: 'updated_at', sort_order: 'desc' }), {
        total: 4,
        page: 1,
        per_page: 10,
      }) as Customer[];
      const descTimes = desc.map((c) => Date.parse(c.updated_at));
      expect(descTimes).toEqual([...descTimes].sort((a, b) => b - a));
      expect(new Set(phonesOf(desc))).toEqual(new Set(phonesOf(all)));
    });

    it('sorts by updated_at following the latest updates', async () => {
      for (const phone of ['5550000004', '5550000001', '5550000003', '5550000002']) {
        await sleep(5);
        await t
          .http()
          .put(phonePath(phone))
          .set(bearer(admin))
          .send({ notes: `again ${phone}` })
          .expect(200);
      }
      const asc = expectPage(await list({ sort_by: 'updated_at', sort_order: 'asc' }), {
        total: 4,
        page: 1,
        per_page: 10,
      });
      expect(phonesOf(asc)).toEqual(['5550000004', '5550000001', '5550000003', '5550000002']);
      const desc = expectPage(await list({ sort_by: 'updated_at', sort_order: 'desc' }), {
        total: 4,
        page: 1,
        per_page: 10,
      });
      expect(phonesOf(desc)).toEqual(['5550000002', '5550000003', '5550000001', '5550000004']);
    });

    it('paginates a sorted list consistently', async () => {
      const first = expectPage(
        await list({ sort_by: 'first_name', sort_order: 'asc', per_page: 3, page: 1 }),
        { total: 4, page: 1, per_page: 3, pages: 2 },
      );
      const second = expectPage(
        await list({ sort_by: 'first_name', sort_order: 'asc', per_page: 3, page: 2 }),
        { total: 4, page: 2, per_page: 3, pages: 2 },
      );
      expect([...phonesOf(first), ...phonesOf(second)]).toEqual(ascending.first_name);
    });

    it.each(['email', 'notes', 'status', 'password', '$where', 'first_name; drop', ''])(
      'refuses sort_by=%j (422)',
      async (sortBy) => {
        expectValidationError(await list({ sort_by: sortBy }), 'sort_by');
      },
    );

    it.each(['up', 'ASCENDING', '1', '-1', ''])('refuses sort_order=%j (422)', async (order) => {
      expectValidationError(await list({ sort_order: order }), 'sort_order');
    });
  });

  describe('status filter', () => {
    let byStatus: Record<string, Customer>;
    beforeEach(async () => {
      byStatus = {};
      for (const status of ['active', 'suspended', 'banned', 'deactivated', 'archived'] as const) {
        byStatus[status] = await customerInStatus(t, admin, status, { first_name: `Is${status}` });
        await sleep(3);
      }
    });

    it('leaves archived customers out by default, and only them', async () => {
      const items = expectPage(await list(), { total: 4, page: 1, per_page: 10 });
      expect(new Set(phonesOf(items))).toEqual(
        new Set(
          ['active', 'suspended', 'banned', 'deactivated'].map((s) => byStatus[s].phone_number),
        ),
      );
    });

    it.each(['active', 'suspended', 'banned', 'deactivated', 'archived'])(
      'filters status=%s',
      async (status) => {
        const items = expectPage(await list({ status }), { total: 1, page: 1, per_page: 10 });
        expect(phonesOf(items)).toEqual([byStatus[status].phone_number]);
        expect((items[0] as Customer).status).toBe(status);
      },
    );

    it('filters several comma-separated statuses', async () => {
      const items = expectPage(await list({ status: 'suspended,banned' }), {
        total: 2,
        page: 1,
        per_page: 10,
      });
      expect(new Set(phonesOf(items))).toEqual(
        new Set([byStatus.suspended.phone_number, byStatus.banned.phone_number]),
      );
      const withArchived = expectPage(await list({ status: 'active,archived' }), {
        total: 2,
        page: 1,
        per_page: 10,
      });
      expect(new Set(phonesOf(withArchived))).toEqual(
        new Set([byStatus.active.phone_number, byStatus.archived.phone_number]),
      );
      const all = expectPage(
        await list({ status: 'active,suspended,banned,deactivated,archived' }),
        { total: 5, page: 1, per_page: 10 },
      );
      expect(all).toHaveLength(5);
      const spaced = expectPage(await list({ status: 'active, archived' }), {
        total: 2,
        page: 1,
        per_page: 10,
      });
      expect(new Set(phonesOf(spaced))).toEqual(
        new Set([byStatus.active.phone_number, byStatus.archived.phone_number]),
      );
    });

    it('shows a customer again in the default list after reactivation', async () => {
      await applyStatus(t, admin, byStatus.suspended.phone_number, 'reactivate');
      const items = expectPage(await list({ status: 'active' }), {
        total: 2,
        page: 1,
        per_page: 10,
      });
      expect(new Set(phonesOf(items))).toEqual(
        new Set([byStatus.active.phone_number, byStatus.suspended.phone_number]),
      );
    });

    it.each([
      'closed',
      'ACTIVE_',
      'active,closed',
      'active;suspended',
      '$ne',
      'active,,banned',
      ',',
    ])('refuses status=%j (422)', async (status) => {
      expectValidationError(await list({ status }), 'status');
    });
  });

  describe('query validation', () => {
    it.each([
      ['an unknown parameter', 'foo=bar'],
      ['an operator in search', 'search[$ne]=x'],
      ['an operator in status', 'status[$ne]=archived'],
      ['an operator in page', 'page[$gt]=0'],
    ])('refuses %s (422)', async (_label, query) => {
      await createCustomer(t, admin);
      const res = await t.http().get(`${CUSTOMERS}/?${query}`).set(bearer(admin));
      expectProblem(res, 422);
    });

    it('lists the same with and without the trailing slash', async () => {
      await createCustomer(t, admin);
      const withSlash = await t.http().get(`${CUSTOMERS}/`).set(bearer(admin));
      const withoutSlash = await t.http().get(CUSTOMERS).set(bearer(admin));
      expectPage(withSlash, { total: 1, page: 1, per_page: 10 });
      expect(withoutSlash.status).toBe(200);
      expect(withoutSlash.body).toEqual(withSlash.body);
    });

    it('lets staff list, but not without a token', async () => {
      await createCustomer(t, admin);
      const staff = await t.userToken('staff');
      expectPage(await list({}, staff), { total: 1, page: 1, per_page: 10 });
      expectProblem(await t.http().get(`${CUSTOMERS}/`), 401);
    });

    it('returns every item in the Customer shape', async () => {
      const created = await createCustomer(t, admin, { email: 'a@b.com', notes: 'n' });
      const items = expectPage(await list(), { total: 1, page: 1, per_page: 10 });
      expect(items).toEqual([created]);
    });
  });
});
