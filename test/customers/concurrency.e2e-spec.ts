import { TestApp, useTestApp } from '../support/test-app';
import {
  auditEvents,
  bearer,
  CUSTOMERS,
  createCustomer,
  expectCustomer,
  expectPage,
  expectProblem,
  getCustomer,
  phonePath,
  recordTransaction,
  transaction,
} from '../support/customers';

/** Guarantees that depend on timing, exercised through HTTP with requests in flight together. */
jest.setTimeout(120_000);

describe('customers under concurrency', () => {
  let t: TestApp;
  let admin: string;
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
  });

  const statuses = (responses: { status: number }[]) => responses.map((r) => r.status).sort();

  it('20 concurrent creates of one phone: exactly one 201, nineteen 409', async () => {
    const formats = ['5551234567', '555-123-4567', '(555) 123-4567', '+1 555 123 4567'];
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .http()
          .post(`${CUSTOMERS}/`)
          .set(bearer(admin))
          .send({
            phone_number: formats[i % formats.length],
            first_name: `Racer${i}`,
            last_name: 'Smith',
          }),
      ),
    );
    expect(statuses(responses)).toEqual([201, ...Array(19).fill(409)]);
    for (const res of responses.filter((r) => r.status === 409)) expectProblem(res, 409);
    const winner = responses.find((r) => r.status === 201)!;
    expect(await getCustomer(t, admin, '5551234567')).toEqual(winner.body);
    expectPage(await t.http().get(`${CUSTOMERS}/`).set(bearer(admin)), {
      total: 1,
      page: 1,
      per_page: 10,
    });
    const created = await auditEvents(t, admin, { action: 'customer.created' });
    expect(created.body.total).toBe(1);
  });

  it('50 concurrent loan_opened: active_loans and total_transactions are exactly 50', async () => {
    const customer = await createCustomer(t, admin);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => transaction(t, admin, customer.phone_number, 'loan_opened')),
    );
    expect(statuses(responses)).toEqual(Array(50).fill(201));
    expect(await getCustomer(t, admin, customer.phone_number)).toMatchObject({
      active_loans: 50,
      total_transactions: 50,
    });
    const loansSeen = responses.map((r) => r.body.active_loans).sort((a, b) => a - b);
    expect(loansSeen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const events = await auditEvents(t, admin, {
      action: 'customer.transaction_recorded',
      phone: customer.phone_number,
    });
    expect(events.body.total).toBe(50);
  });

  it('concurrent opens and closes keep the counters exact', async () => {
    const customer = await createCustomer(t, admin);
    for (let i = 0; i < 20; i++)
      await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
    const types = [
      ...Array(20).fill('loan_redeemed'),
      ...Array(10).fill('loan_opened'),
      ...Array(10).fill('purchase'),
    ];
    const responses = await Promise.all(
      types.map((type) => transaction(t, admin, customer.phone_number, type)),
    );
    expect(statuses(responses)).toEqual(Array(40).fill(201));
    // loans: 20 - 20 + 10 = 10 ; transactions: 20 + 20 + 10 + 10 = 60
    expect(await getCustomer(t, admin, customer.phone_number)).toMatchObject({
      active_loans: 10,
      total_transactions: 60,
    });
  });

  it('concurrent closes never take active_loans below zero', async () => {
    const customer = await createCustomer(t, admin);
    for (let i = 0; i < 5; i++)
      await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
    const responses = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        transaction(t, admin, customer.phone_number, i % 2 ? 'loan_redeemed' : 'loan_forfeited'),
      ),
    );
    const ok = responses.filter((r) => r.status === 201);
    expect(ok).toHaveLength(5);
    for (const res of responses.filter((r) => r.status !== 201))
      expectProblem(res, 409, 'NO_ACTIVE_LOANS');
    const redeemed = ok.filter((r) => responses.indexOf(r) % 2 === 1).length;
    expect(await getCustomer(t, admin, customer.phone_number)).toMatchObject({
      active_loans: 0,
      total_transactions: 5 + redeemed,
    });
  });

  it.each(['deactivate', 'archive'] as const)(
    'loan_opened racing %s never leaves a closed customer with active loans (10 rounds)',
    async (action) => {
      const closed = action === 'deactivate' ? 'deactivated' : 'archived';
      for (let round = 0; round < 10; round++) {
        const customer = await createCustomer(t, admin);
        const loans = Array.from({ length: 4 }, () =>
          transaction(t, admin, customer.phone_number, 'loan_opened'),
        );
        const change = t
          .http()
          .post(`${phonePath(customer.phone_number)}/${action}`)
          .set(bearer(admin))
          .send({ reason: `Race round ${round}` });
        const [statusRes, ...loanRes] = await Promise.all([change, ...loans]);
        const final = await getCustomer(t, admin, customer.phone_number);
        const opened = loanRes.filter((r) => r.status === 201).length;
        for (const res of loanRes.filter((r) => r.status !== 201))
          expectProblem(res, 409, 'CUSTOMER_NOT_ACTIVE');
        expect(final.active_loans).toBe(opened);
        expect(final.total_transactions).toBe(opened);
        if (statusRes.status === 200) {
          expect(final).toMatchObject({ status: closed, active_loans: 0 });
          expect(opened).toBe(0);
        } else {
          expectProblem(statusRes, 409, 'CUSTOMER_HAS_ACTIVE_LOANS');
          expect(final.status).toBe('active');
          expect(opened).toBeGreaterThan(0);
        }
      }
    },
  );

  it('loan_forfeited racing deactivate: the customer ends deactivated only with no loans', async () => {
    for (let round = 0; round < 10; round++) {
      const customer = await createCustomer(t, admin);
      await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
      const [deactivate, forfeit, open] = await Promise.all([
        t
          .http()
          .post(`${phonePath(customer.phone_number)}/deactivate`)
          .set(bearer(admin))
          .send({ reason: `Race round ${round}` }),
        transaction(t, admin, customer.phone_number, 'loan_forfeited'),
        transaction(t, admin, customer.phone_number, 'loan_opened'),
      ]);
      expect(forfeit.status).toBe(201);
      const final = await getCustomer(t, admin, customer.phone_number);
      if (final.status === 'deactivated') expect(final.active_loans).toBe(0);
      expect(final.active_loans).toBe(1 - 1 + (open.status === 201 ? 1 : 0));
      expect([200, 409]).toContain(deactivate.status);
    }
  });

  it('the history of concurrent writes lists them in the order they were applied', async () => {
    const { phone_number: phone } = await createCustomer(t, admin);
    const writes = Array.from({ length: 100 }, (_, i) => {
      const id = `write-${i}`;
      if (i === 20)
        return t
          .http()
          .post(`${phonePath(phone)}/suspend`)
          .set(bearer(admin))
          .set('X-Request-Id', id)
          .send({ reason: 'Mid-burst suspension' });
      if (i === 70)
        return t
          .http()
          .post(`${phonePath(phone)}/reactivate`)
          .set(bearer(admin))
          .set('X-Request-Id', id)
          .send({ reason: 'Mid-burst reactivation' });
      if (i % 10 === 5)
        return t
          .http()
          .put(phonePath(phone))
          .set(bearer(admin))
          .set('X-Request-Id', id)
          .send({ notes: `note ${i}` });
      return t
        .http()
        .post(`${phonePath(phone)}/transactions`)
        .set(bearer(admin))
        .set('X-Request-Id', id)
        .send({ type: i % 2 ? 'purchase' : 'sale' });
    });
    const applied = (await Promise.all(writes))
      .filter((res) => res.status < 300)
      .sort((a, b) => a.body.version - b.body.version)
      .map((res) => res.headers['x-request-id']);
    const history = await t
      .http()
      .get(`${phonePath(phone)}/history`)
      .query({ per_page: 100, page: 1 })
      .set(bearer(admin))
      .expect(200);
    const listed = [...history.body.items]
      .reverse()
      .slice(1)
      .map((event: { request_id: string }) => event.request_id);
    expect(listed).toEqual(applied);
  });

  it('10 concurrent PUTs with the same If-Match: exactly one 200, nine 412', async () => {
    const customer = await createCustomer(t, admin);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t
          .http()
          .put(phonePath(customer.phone_number))
          .set(bearer(admin))
          .set('If-Match', '"1"')
          .send({ notes: `writer ${i}` }),
      ),
    );
    expect(statuses(responses)).toEqual([200, ...Array(9).fill(412)]);
    for (const res of responses.filter((r) => r.status === 412)) expectProblem(res, 412);
    const winner = expectCustomer(
      responses.find((r) => r.status === 200)!,
      200,
      { version: 2 },
    );
    expect(await getCustomer(t, admin, customer.phone_number)).toEqual(winner);
    const updates = await auditEvents(t, admin, { action: 'customer.updated' });
    expect(updates.body.total).toBe(1);
  });

  it('10 concurrent PUTs without If-Match all apply, each bumping the version once', async () => {
    const customer = await createCustomer(t, admin);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t
          .http()
          .put(phonePath(customer.phone_number))
          .set(bearer(admin))
          .send({ notes: `writer ${i}` }),
      ),
    );
    expect(responses.map((r) => `${r.status} ${r.body.code ?? ''}`.trim())).toEqual(
      Array(10).fill('200'),
    );
    expect(responses.map((r) => r.body.version).sort((a, b) => a - b)).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
    expect((await getCustomer(t, admin, customer.phone_number)).version).toBe(11);
  });

  it('10 parallel retries with one Idempotency-Key are counted once', async () => {
    const customer = await createCustomer(t, admin);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        transaction(t, admin, customer.phone_number, 'loan_opened', 'same-key-123'),
      ),
    );
    const ok = responses.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    // The SPEC does not say how a retry that arrives while the first is in flight is answered; a 409 is the only
    // other acceptable answer, and no retry may count again.
    for (const res of responses.filter((r) => r.status !== 201)) expectProblem(res, 409);
    for (const res of ok) expect(res.body).toEqual(ok[0].body);
    expect(ok[0].body).toMatchObject({ active_loans: 1, total_transactions: 1 });
    expect(await getCustomer(t, admin, customer.phone_number)).toMatchObject({
      active_loans: 1,
      total_transactions: 1,
    });
    const events = await auditEvents(t, admin, { action: 'customer.transaction_recorded' });
    expect(events.body.total).toBe(1);
    // Once settled, a retry answers the first result.
    const later = await transaction(t, admin, customer.phone_number, 'loan_opened', 'same-key-123');
    expect(later.status).toBe(201);
    expect(later.body).toEqual(ok[0].body);
  });

  it('concurrent phone-number moves onto one free number: one wins, the rest 409', async () => {
    const movers = [];
    for (let i = 0; i < 5; i++)
      movers.push(await createCustomer(t, admin, { first_name: `Mover${i}` }));
    const responses = await Promise.all(
      movers.map((m) =>
        t
          .http()
          .put(phonePath(m.phone_number))
          .set(bearer(admin))
          .send({ phone_number: '5550009999' }),
      ),
    );
    expect(statuses(responses)).toEqual([200, 409, 409, 409, 409]);
    const winner = responses.find((r) => r.status === 200)!;
    expect(await getCustomer(t, admin, '5550009999')).toEqual(winner.body);
    expectPage(await t.http().get(`${CUSTOMERS}/`).set(bearer(admin)), {
      total: 5,
      page: 1,
      per_page: 10,
    });
  });
});
