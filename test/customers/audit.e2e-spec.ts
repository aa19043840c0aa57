import { ADMIN, TestApp, useTestApp } from '../support/test-app';
import {
  AUDIT,
  AUDIT_EVENT_KEYS,
  auditEvents,
  bearer,
  CUSTOMERS,
  createCustomer,
  expectPage,
  expectProblem,
  expectValidationError,
  historyOf,
  ISO_UTC,
  phonePath,
  sleep,
} from '../support/customers';

interface AuditEvent {
  action: string;
  at: string;
  actor: { username: string; role: string };
  phone_number: string;
  version: number;
  request_id: string;
  reason?: string;
  from_status?: string;
  to_status?: string;
  changes?: Record<string, { from: unknown; to: unknown }>;
  transaction_type?: string;
}

function expectEventShape(event: unknown): AuditEvent {
  const e = event as Record<string, unknown>;
  for (const key of Object.keys(e)) expect(AUDIT_EVENT_KEYS).toContain(key);
  expect(e).toEqual(
    expect.objectContaining({
      action: expect.stringMatching(
        /^customer\.(created|updated|status_changed|transaction_recorded)$/,
      ),
      at: expect.stringMatching(ISO_UTC),
      actor: { username: expect.any(String), role: expect.stringMatching(/^(staff|admin)$/) },
      phone_number: expect.stringMatching(/^\d{10}$/),
      request_id: expect.any(String),
    }),
  );
  return e as unknown as AuditEvent;
}

/** Optional fields that do not belong to an action must not carry values. */
const absent = (event: AuditEvent, ...keys: (keyof AuditEvent)[]) => {
  for (const key of keys) expect(event[key] ?? null).toBeNull();
};

jest.setTimeout(120_000);

describe('customer history and audit events', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  const STAFF = 'clerk.jane';
  const PHONE = '5551234567';

  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
    staff = await t.userToken('staff', STAFF);
  });

  /** created (staff) → updated (staff) → suspended (admin) → reactivated (admin) → loan_opened (staff), each with its own X-Request-Id. */
  async function story() {
    await t
      .http()
      .post(`${CUSTOMERS}/`)
      .set(bearer(staff))
      .set('X-Request-Id', 'req-create')
      .send({
        phone_number: PHONE,
        first_name: 'John',
        last_name: 'Smith',
        email: 'john@email.com',
      })
      .expect(201);
    await sleep(5);
    await t
      .http()
      .put(phonePath(PHONE))
      .set(bearer(staff))
      .set('X-Request-Id', 'req-update')
      .send({ first_name: 'Johnny', email: 'johnny@email.com' })
      .expect(200);
    await sleep(5);
    await t
      .http()
      .post(`${phonePath(PHONE)}/suspend`)
      .set(bearer(admin))
      .set('X-Request-Id', 'req-suspend')
      .send({ reason: 'Overdue payments' })
      .expect(200);
    await sleep(5);
    await t
      .http()
      .post(`${phonePath(PHONE)}/reactivate`)
      .query({ reason: 'Paid in full' })
      .set(bearer(admin))
      .set('X-Request-Id', 'req-reactivate')
      .expect(200);
    await sleep(5);
    await t
      .http()
      .post(`${phonePath(PHONE)}/transactions`)
      .set(bearer(staff))
      .set('X-Request-Id', 'req-loan')
      .send({ type: 'loan_opened' })
      .expect(201);
  }

  describe('GET /api/v1/customer/{phone}/history', () => {
    it('lists the exact events, newest first', async () => {
      await story();
      const res = await historyOf(t, staff, PHONE);
      const items = expectPage(res, { total: 5, page: 1, per_page: 100, pages: 1 }).map(
        expectEventShape,
      );
      expect(items.map((e) => e.action)).toEqual([
        'customer.transaction_recorded',
        'customer.status_changed',
        'customer.status_changed',
        'customer.updated',
        'customer.created',
      ]);
      // Each event carries the customer's version after it: the history is in version order.
      expect(items.map((e) => e.version)).toEqual([5, 4, 3, 2, 1]);
      const [loan, reactivated, suspended, updated, created] = items;
      const staffActor = { username: STAFF, role: 'staff' };
      const adminActor = { username: ADMIN.username, role: 'admin' };

      expect(loan).toMatchObject({
        actor: staffActor,
        phone_number: PHONE,
        request_id: 'req-loan',
        transaction_type: 'loan_opened',
      });
      absent(loan, 'changes', 'reason', 'from_status', 'to_status');

      expect(reactivated).toMatchObject({
        actor: adminActor,
        phone_number: PHONE,
        request_id: 'req-reactivate',
        from_status: 'suspended',
        to_status: 'active',
        reason: 'Paid in full',
      });
      absent(reactivated, 'changes', 'transaction_type');

      expect(suspended).toMatchObject({
        actor: adminActor,
        phone_number: PHONE,
        request_id: 'req-suspend',
        from_status: 'active',
        to_status: 'suspended',
        reason: 'Overdue payments',
      });
      absent(suspended, 'changes', 'transaction_type');

      expect(updated).toMatchObject({
        actor: staffActor,
        phone_number: PHONE,
        request_id: 'req-update',
      });
      expect(updated.changes).toEqual({
        first_name: { from: 'John', to: 'Johnny' },
        email: { from: 'john@email.com', to: 'johnny@email.com' },
      });
      absent(updated, 'reason', 'from_status', 'to_status', 'transaction_type');

      expect(created).toMatchObject({
        actor: staffActor,
        phone_number: PHONE,
        request_id: 'req-create',
      });
      absent(created, 'reason', 'from_status', 'transaction_type');

      const times = items.map((e) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(Date.now() - times[4]).toBeLessThan(60_000);
    });

    it('gives each event the X-Request-Id its request answered with', async () => {
      const res = await t
        .http()
        .post(`${CUSTOMERS}/`)
        .set(bearer(staff))
        .send({ phone_number: PHONE, first_name: 'A', last_name: 'B' })
        .expect(201);
      const generated = res.headers['x-request-id'];
      expect(generated).toEqual(expect.any(String));
      const history = await historyOf(t, staff, PHONE);
      expect(history.body.items[0].request_id).toBe(generated);
    });

    it('records only the fields an update changed, with from and to', async () => {
      await createCustomer(t, admin, {
        phone_number: PHONE,
        first_name: 'John',
        last_name: 'Smith',
        notes: 'old',
      });
      await t
        .http()
        .put(phonePath(PHONE))
        .set(bearer(admin))
        .send({ last_name: 'Smythe', notes: 'new' })
        .expect(200);
      const history = await historyOf(t, admin, PHONE);
      const updated = expectEventShape(history.body.items[0]);
      expect(updated.action).toBe('customer.updated');
      expect(updated.changes).toEqual({
        last_name: { from: 'Smith', to: 'Smythe' },
        notes: { from: 'old', to: 'new' },
      });
    });

    it('paginates like the list', async () => {
      await story();
      const page = async (p: number) =>
        expectPage(await historyOf(t, staff, PHONE, { per_page: 2, page: p }), {
          total: 5,
          page: p,
          per_page: 2,
          pages: 3,
        });
      const all = [...(await page(1)), ...(await page(2)), ...(await page(3))].map(
        (e) => (e as AuditEvent).request_id,
      );
      expect(all).toEqual([
        'req-loan',
        'req-reactivate',
        'req-suspend',
        'req-update',
        'req-create',
      ]);
      const defaults = expectPage(
        await t
          .http()
          .get(`${phonePath(PHONE)}/history`)
          .set(bearer(staff)),
        { total: 5, page: 1, per_page: 10, pages: 1 },
      );
      expect(defaults).toHaveLength(5);
    });

    it.each([{ per_page: 0 }, { per_page: 101 }, { page: 0 }, { page: 'x' }])(
      'refuses %j (422)',
      async (query) => {
        await createCustomer(t, admin, { phone_number: PHONE });
        const res = await t
          .http()
          .get(`${phonePath(PHONE)}/history`)
          .query(query)
          .set(bearer(staff));
        expectValidationError(res, Object.keys(query)[0]);
      },
    );

    it('follows the customer across a phone-number change', async () => {
      await createCustomer(t, admin, {
        phone_number: PHONE,
        first_name: 'John',
        last_name: 'Smith',
      });
      await t
        .http()
        .put(phonePath(PHONE))
        .set(bearer(admin))
        .set('X-Request-Id', 'req-move')
        .send({ phone_number: '555-765-4321' })
        .expect(200);
      await t
        .http()
        .post(`${phonePath('5557654321')}/transactions`)
        .set(bearer(admin))
        .send({ type: 'purchase' })
        .expect(201);
      const res = await historyOf(t, admin, '5557654321');
      const items = expectPage(res, { total: 3, page: 1, per_page: 100 }).map(expectEventShape);
      expect(items.map((e) => e.action)).toEqual([
        'customer.transaction_recorded',
        'customer.updated',
        'customer.created',
      ]);
      expect(items[1]).toMatchObject({
        request_id: 'req-move',
        changes: { phone_number: { from: PHONE, to: '5557654321' } },
      });
      expect(items[0].phone_number).toBe('5557654321');
    });

    it('does not hand a moved customer’s history to the next customer of the old number', async () => {
      await createCustomer(t, admin, {
        phone_number: PHONE,
        first_name: 'John',
        last_name: 'Smith',
      });
      await t
        .http()
        .put(phonePath(PHONE))
        .set(bearer(admin))
        .send({ phone_number: '5557654321' })
        .expect(200);
      await t
        .http()
        .post(`${CUSTOMERS}/`)
        .set(bearer(admin))
        .set('X-Request-Id', 'req-newcomer')
        .send({ phone_number: PHONE, first_name: 'Newcomer', last_name: 'Person' })
        .expect(201);
      const items = expectPage(await historyOf(t, admin, PHONE), {
        total: 1,
        page: 1,
        per_page: 100,
      }).map(expectEventShape);
      expect(items).toEqual([
        expect.objectContaining({ action: 'customer.created', request_id: 'req-newcomer' }),
      ]);
      expect(
        expectPage(await historyOf(t, admin, '5557654321'), { total: 2, page: 1, per_page: 100 }),
      ).toHaveLength(2);
    });

    it('finds the history through a formatted phone', async () => {
      await createCustomer(t, admin, { phone_number: PHONE });
      expectPage(await historyOf(t, staff, '(555) 123-4567'), { total: 1, page: 1, per_page: 100 });
    });

    it('answers 404 CUSTOMER_NOT_FOUND for an unknown phone, 422 for a malformed one, 401 without a token', async () => {
      expectProblem(await historyOf(t, staff, '5559999999'), 404, 'CUSTOMER_NOT_FOUND');
      expectProblem(await historyOf(t, staff, '555-ABC-9999'), 422);
      expectProblem(await t.http().get(`${phonePath(PHONE)}/history`), 401);
    });

    it('lists each event exactly once, also right after the request that caused it', async () => {
      await createCustomer(t, admin, { phone_number: PHONE });
      for (let i = 1; i <= 8; i++) {
        await t
          .http()
          .post(`${phonePath(PHONE)}/transactions`)
          .set(bearer(staff))
          .set('X-Request-Id', `req-tx-${i}`)
          .send({ type: 'purchase' })
          .expect(201);
        const history = expectPage(await historyOf(t, staff, PHONE), {
          total: i + 1,
          page: 1,
          per_page: 100,
        }) as AuditEvent[];
        expect(history.map((e) => e.request_id)).toEqual([
          ...Array.from({ length: i }, (_, k) => `req-tx-${i - k}`),
          expect.any(String),
        ]);
        const audit = expectPage(
          await auditEvents(t, admin, { action: 'customer.transaction_recorded' }),
          { total: i, page: 1, per_page: 100 },
        );
        expect(audit).toHaveLength(i);
      }
    });

    it('records no event for refused requests', async () => {
      await createCustomer(t, admin, { phone_number: PHONE });
      await t
        .http()
        .post(`${CUSTOMERS}/`)
        .set(bearer(admin))
        .send({ phone_number: PHONE, first_name: 'X', last_name: 'Y' })
        .expect(409);
      await t
        .http()
        .put(phonePath(PHONE))
        .set(bearer(admin))
        .send({ status: 'banned' })
        .expect(422);
      await t
        .http()
        .post(`${phonePath(PHONE)}/reactivate`)
        .set(bearer(admin))
        .send({ reason: 'Nothing to do' })
        .expect(409);
      await t
        .http()
        .post(`${phonePath(PHONE)}/suspend`)
        .set(bearer(staff))
        .send({ reason: 'Not allowed' })
        .expect(403);
      await t
        .http()
        .post(`${phonePath(PHONE)}/transactions`)
        .set(bearer(admin))
        .send({ type: 'loan_redeemed' })
        .expect(409);
      const items = expectPage(await historyOf(t, admin, PHONE), {
        total: 1,
        page: 1,
        per_page: 100,
      });
      expect(items).toEqual([expect.objectContaining({ action: 'customer.created' })]);
    });
  });

  describe('GET /api/v1/audit', () => {
    const OTHER = '5559876543';

    /** Two customers, events on both sides of a known instant. */
    async function twoCustomers(): Promise<{ middle: string; start: string }> {
      const start = new Date(Date.now() - 1000).toISOString();
      await t
        .http()
        .post(`${CUSTOMERS}/`)
        .set(bearer(staff))
        .send({ phone_number: PHONE, first_name: 'John', last_name: 'Smith' })
        .expect(201);
      await sleep(5);
      await t
        .http()
        .post(`${CUSTOMERS}/`)
        .set(bearer(admin))
        .send({ phone_number: OTHER, first_name: 'Jane', last_name: 'Doe' })
        .expect(201);
      await sleep(50);
      const middle = new Date().toISOString();
      await sleep(50);
      await t
        .http()
        .post(`${phonePath(PHONE)}/suspend`)
        .set(bearer(admin))
        .send({ reason: 'Overdue payments' })
        .expect(200);
      await sleep(5);
      await t
        .http()
        .post(`${phonePath(OTHER)}/transactions`)
        .set(bearer(staff))
        .send({ type: 'purchase' })
        .expect(201);
      await sleep(5);
      await t
        .http()
        .put(phonePath(OTHER))
        .set(bearer(staff))
        .send({ notes: 'likes watches' })
        .expect(200);
      return { middle, start };
    }
    const actionsOf = (items: unknown[]) =>
      (items as AuditEvent[]).map((e) => `${e.action}@${e.phone_number}`);

    it('lists events across customers, newest first, in the page envelope', async () => {
      await twoCustomers();
      const items = expectPage(await auditEvents(t, admin), {
        total: 5,
        page: 1,
        per_page: 100,
      }).map(expectEventShape);
      expect(actionsOf(items)).toEqual([
        `customer.updated@${OTHER}`,
        `customer.transaction_recorded@${OTHER}`,
        `customer.status_changed@${PHONE}`,
        `customer.created@${OTHER}`,
        `customer.created@${PHONE}`,
      ]);
      const defaults = await t.http().get(AUDIT).set(bearer(admin));
      expectPage(defaults, { total: 5, page: 1, per_page: 10 });
      expectPage(await t.http().get(`${AUDIT}/`).set(bearer(admin)), {
        total: 5,
        page: 1,
        per_page: 10,
      });
    });

    it('filters by action', async () => {
      await twoCustomers();
      const items = expectPage(await auditEvents(t, admin, { action: 'customer.created' }), {
        total: 2,
        page: 1,
        per_page: 100,
      });
      expect(actionsOf(items)).toEqual([`customer.created@${OTHER}`, `customer.created@${PHONE}`]);
      const status = expectPage(
        await auditEvents(t, admin, { action: 'customer.status_changed' }),
        { total: 1, page: 1, per_page: 100 },
      );
      expect(status[0]).toMatchObject({
        from_status: 'active',
        to_status: 'suspended',
        reason: 'Overdue payments',
      });
    });

    it('filters by actor', async () => {
      await twoCustomers();
      const items = expectPage(await auditEvents(t, admin, { actor: STAFF }), {
        total: 3,
        page: 1,
        per_page: 100,
      });
      expect(actionsOf(items)).toEqual([
        `customer.updated@${OTHER}`,
        `customer.transaction_recorded@${OTHER}`,
        `customer.created@${PHONE}`,
      ]);
      for (const e of items as AuditEvent[])
        expect(e.actor).toEqual({ username: STAFF, role: 'staff' });
      expectPage(await auditEvents(t, admin, { actor: 'nobody.here' }), {
        total: 0,
        page: 1,
        per_page: 100,
      });
      // Usernames are lower-case, and so is the filter.
      expectPage(await auditEvents(t, admin, { actor: ` ${STAFF.toUpperCase()} ` }), {
        total: 3,
        page: 1,
        per_page: 100,
      });
    });

    it('filters by phone', async () => {
      await twoCustomers();
      const items = expectPage(await auditEvents(t, admin, { phone: PHONE }), {
        total: 2,
        page: 1,
        per_page: 100,
      });
      expect(actionsOf(items)).toEqual([
        `customer.status_changed@${PHONE}`,
        `customer.created@${PHONE}`,
      ]);
    });

    it('filters by since and until', async () => {
      const { middle, start } = await twoCustomers();
      const after = expectPage(await auditEvents(t, admin, { since: middle }), {
        total: 3,
        page: 1,
        per_page: 100,
      });
      expect(actionsOf(after)).toEqual([
        `customer.updated@${OTHER}`,
        `customer.transaction_recorded@${OTHER}`,
        `customer.status_changed@${PHONE}`,
      ]);
      const before = expectPage(await auditEvents(t, admin, { until: middle }), {
        total: 2,
        page: 1,
        per_page: 100,
      });
      expect(actionsOf(before)).toEqual([`customer.created@${OTHER}`, `customer.created@${PHONE}`]);
      expectPage(await auditEvents(t, admin, { since: start, until: middle }), {
        total: 2,
        page: 1,
        per_page: 100,
      });
      expectPage(
        await auditEvents(t, admin, { since: new Date(Date.now() + 60_000).toISOString() }),
        { total: 0, page: 1, per_page: 100 },
      );
    });

    it('reads a plain date as the whole day (UTC): since from its start, until to its end', async () => {
      await twoCustomers();
      const today = new Date().toISOString().slice(0, 10);
      expectPage(await auditEvents(t, admin, { since: today, until: today }), {
        total: 5,
        page: 1,
        per_page: 100,
      });
      expectPage(await auditEvents(t, admin, { until: '2020-01-01' }), {
        total: 0,
        page: 1,
        per_page: 100,
      });
      expectPage(await auditEvents(t, admin, { since: `${today}T00:00:00+00:00` }), {
        total: 5,
        page: 1,
        per_page: 100,
      });
    });

    it('combines filters', async () => {
      const { middle } = await twoCustomers();
      const items = expectPage(
        await auditEvents(t, admin, { actor: STAFF, phone: OTHER, since: middle }),
        { total: 2, page: 1, per_page: 100 },
      );
      expect(actionsOf(items)).toEqual([
        `customer.updated@${OTHER}`,
        `customer.transaction_recorded@${OTHER}`,
      ]);
      const none = expectPage(
        await auditEvents(t, admin, { action: 'customer.status_changed', actor: STAFF }),
        { total: 0, page: 1, per_page: 100 },
      );
      expect(none).toEqual([]);
    });

    it('paginates', async () => {
      await twoCustomers();
      const first = expectPage(await auditEvents(t, admin, { per_page: 2, page: 1 }), {
        total: 5,
        page: 1,
        per_page: 2,
        pages: 3,
      });
      const third = expectPage(await auditEvents(t, admin, { per_page: 2, page: 3 }), {
        total: 5,
        page: 3,
        per_page: 2,
        pages: 3,
      });
      expect(actionsOf(first)).toEqual([
        `customer.updated@${OTHER}`,
        `customer.transaction_recorded@${OTHER}`,
      ]);
      expect(actionsOf(third)).toEqual([`customer.created@${PHONE}`]);
    });

    it.each([
      ['since', { since: 'yesterday' }],
      ['until', { until: 'not-a-date' }],
      ['since', { since: '2026-13-45T99:00:00Z' }],
      ['since', { since: '2026-02-30' }],
      ['since', { since: '2026-W48' }],
      ['until', { until: '2026-334' }],
      ['until', { until: '20261130' }],
      ['until', { until: '2026-11-30T06' }],
      ['since', { since: '2026-11-30T06:21:31+02' }],
      ['since', { since: '2026-11-30T06:21:31,5Z' }],
      ['until', { until: '2026-11-30TZ' }],
      ['per_page', { per_page: 101 }],
      ['per_page', { per_page: 0 }],
      ['page', { page: 0 }],
    ])('refuses a bad %s (422)', async (field, query) => {
      await twoCustomers();
      expectValidationError(await t.http().get(AUDIT).query(query).set(bearer(admin)), field);
    });

    it.each(['phone[$ne]=x', 'actor[$regex]=.*', 'action[$ne]=customer.created'])(
      'refuses an operator in the query %s (422)',
      async (query) => {
        await twoCustomers();
        expectProblem(await t.http().get(`${AUDIT}?${query}`).set(bearer(admin)), 422);
      },
    );

    it('is admin only: staff 403, no token 401', async () => {
      expectProblem(await t.http().get(AUDIT).set(bearer(staff)), 403);
      expectProblem(await t.http().get(AUDIT), 401);
    });
  });
});
