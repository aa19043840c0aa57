import { startTestApp, TestApp } from './support/test-app';

/** One pass through every customer and audit endpoint, checking what was stored: the steps run in order, on one customer. */
jest.setTimeout(60_000);

describe('customers smoke', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp();
    await t.reset();
    admin = await t.adminToken();
    staff = await t.userToken('staff');
  });
  afterAll(() => t.close());

  it('creates a customer in any phone notation, refuses a duplicate, reads it back', async () => {
    const created = await t
      .http()
      .post('/api/v1/customer/')
      .set(auth(staff))
      .send({
        phone_number: '(555) 123-4567',
        first_name: ' José ',
        last_name: "O'Brien",
        email: 'Jose@Email.com',
      })
      .expect(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.body).toEqual({
      phone_number: '5551234567',
      first_name: 'José',
      last_name: "O'Brien",
      email: 'jose@email.com',
      status: 'active',
      total_transactions: 0,
      active_loans: 0,
      version: 1,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    await t
      .http()
      .post('/api/v1/customer')
      .set(auth(staff))
      .send({ phone_number: '5551234567', first_name: 'A', last_name: 'B' })
      .expect(409);
    await t
      .http()
      .post('/api/v1/customer')
      .set(auth(staff))
      .send({ phone_number: '5550000000', first_name: 'John', last_name: 'Smith' })
      .expect(201);

    const got = await t.http().get('/api/v1/customer/555-123-4567').set(auth(staff)).expect(200);
    expect(got.headers.etag).toBe('"1"');
  });

  it('finds it by name words and phone digits, sorts and pages, refuses operators', async () => {
    for (const search of ['jose', "o'br", 'OBRIEN JO', '4567', '(555) 123', '555 123']) {
      const res = await t
        .http()
        .get('/api/v1/customer')
        .query({ search })
        .set(auth(staff))
        .expect(200);
      expect([search, res.body.items.map((c: { phone_number: string }) => c.phone_number)]).toEqual(
        [search, ['5551234567']],
      );
    }
    const page = await t
      .http()
      .get('/api/v1/customer?sort_by=first_name&sort_order=asc&per_page=1')
      .set(auth(staff))
      .expect(200);
    expect(page.body).toMatchObject({ total: 2, page: 1, per_page: 1, pages: 2 });
    expect(page.body.items[0].first_name).toBe('John');
    await t.http().get('/api/v1/customer?search[$ne]=x').set(auth(staff)).expect(422);
    await t.http().get('/api/v1/customer?status=active,nope').set(auth(staff)).expect(422);
  });

  it('updates under If-Match, moves the phone number, refuses a taken one', async () => {
    await t
      .http()
      .put('/api/v1/customer/5551234567')
      .set(auth(staff))
      .set('If-Match', '"7"')
      .send({ notes: 'x' })
      .expect(412);
    const updated = await t
      .http()
      .put('/api/v1/customer/5551234567')
      .set(auth(staff))
      .set('If-Match', '"1"')
      .send({ phone_number: '555.123.9999', email: null, notes: 'VIP' })
      .expect(200);
    expect(updated.headers.etag).toBe('"2"');
    expect(updated.body).toMatchObject({ phone_number: '5551239999', notes: 'VIP', version: 2 });
    expect(updated.body.email).toBeUndefined();
    await t
      .http()
      .put('/api/v1/customer/5551239999')
      .set(auth(staff))
      .send({ phone_number: '5550000000' })
      .expect(409);
  });

  it('suspends and reactivates (admins only), refusing transactions while suspended', async () => {
    await t
      .http()
      .post('/api/v1/customer/5551239999/suspend?reason=late')
      .set(auth(staff))
      .expect(403);
    const suspended = await t
      .http()
      .post('/api/v1/customer/5551239999/suspend')
      .set(auth(admin))
      .send({ reason: 'missed payments' })
      .expect(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', version: 3 });
    await t
      .http()
      .post('/api/v1/customer/5551239999/transactions')
      .set(auth(staff))
      .send({ type: 'sale' })
      .expect(409);
    await t
      .http()
      .post('/api/v1/customer/5551239999/reactivate?reason=paid%20up')
      .set(auth(admin))
      .expect(200);
  });

  it('records a keyed transaction once, and refuses a deactivation with loans', async () => {
    const tx = () =>
      t
        .http()
        .post('/api/v1/customer/5551239999/transactions')
        .set(auth(staff))
        .set('Idempotency-Key', 'k-1')
        .send({ type: 'loan_opened' });
    const first = await tx().expect(201);
    expect(first.body).toMatchObject({ active_loans: 1, total_transactions: 1, version: 5 });
    await t
      .http()
      .post('/api/v1/customer/5551239999/transactions')
      .set(auth(staff))
      .send({ type: 'sale' })
      .expect(201);
    const replay = await tx().expect(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    await t
      .http()
      .post('/api/v1/customer/5551239999/transactions')
      .set(auth(staff))
      .set('Idempotency-Key', 'k-1')
      .send({ type: 'sale' })
      .expect(409);
    await t
      .http()
      .post('/api/v1/customer/5551239999/deactivate?reason=closing')
      .set(auth(admin))
      .expect(409);
  });

  it('lists the history newest first, across the phone change', async () => {
    const history = await t
      .http()
      .get('/api/v1/customer/5551239999/history')
      .set(auth(staff))
      .expect(200);
    expect(history.body.items.map((e: { action: string }) => e.action)).toEqual([
      'customer.transaction_recorded',
      'customer.transaction_recorded',
      'customer.status_changed',
      'customer.status_changed',
      'customer.updated',
      'customer.created',
    ]);
    expect(history.body.items[3]).toMatchObject({
      from_status: 'active',
      to_status: 'suspended',
      reason: 'missed payments',
    });
    expect(history.body.items[4].changes).toEqual({
      phone_number: { from: '5551234567', to: '5551239999' },
      email: { from: 'jose@email.com', to: null },
      notes: { from: null, to: 'VIP' },
    });
  });

  it('counts statistics, for admins only', async () => {
    const stats = await t.http().get('/api/v1/customer/stats').set(auth(admin)).expect(200);
    expect(stats.body).toEqual({
      total_customers: 2,
      by_status: { active: 2, suspended: 0, banned: 0, deactivated: 0, archived: 0 },
      customers_with_active_loans: 1,
      total_active_loans: 1,
      total_transactions: 2,
      new_customers_last_30_days: 2,
    });
    await t.http().get('/api/v1/customer/stats').set(auth(staff)).expect(403);
  });

  it('filters the audit trail by phone, action and dates, with every outbox relayed', async () => {
    // The new number finds the customer's whole trail; the old one, what happened under it.
    const byNewPhone = await t
      .http()
      .get('/api/v1/audit?phone=5551239999&action=customer.status_changed')
      .set(auth(admin))
      .expect(200);
    expect(byNewPhone.body.total).toBe(2);
    const byOldPhone = await t
      .http()
      .get('/api/v1/audit?phone=(555) 123-4567')
      .set(auth(admin))
      .expect(200);
    expect(byOldPhone.body.items.map((e: { action: string }) => e.action)).toEqual([
      'customer.updated',
      'customer.created',
    ]);
    const all = await t.http().get('/api/v1/audit').set(auth(admin)).expect(200);
    expect(all.body.total).toBe(7);
    await t
      .http()
      .get('/api/v1/audit?since=2030-01-01T00:00:00Z&until=2020-01-01T00:00:00Z')
      .set(auth(admin))
      .expect(422);
    const pending = await t.connection
      .collection('customers')
      .find({ audit_pending: true })
      .toArray();
    expect(pending).toEqual([]);
  });

  it('documents every customer and audit operation', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as {
      paths: Record<
        string,
        Record<string, { operationId: string; responses: Record<string, unknown> }>
      >;
    };
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    const ids = operations.map((operation) => operation.operationId);
    for (const id of [
      'createCustomer',
      'listCustomers',
      'getCustomerStats',
      'getCustomer',
      'updateCustomer',
      'suspendCustomer',
      'banCustomer',
      'reactivateCustomer',
      'deactivateCustomer',
      'archiveCustomer',
      'recordTransaction',
      'getCustomerHistory',
      'listAuditEvents',
    ]) {
      expect(ids).toContain(id);
    }
    const getCustomer = operations.find((operation) => operation.operationId === 'getCustomer')!;
    expect(Object.keys(getCustomer.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '422']),
    );
  });
});
