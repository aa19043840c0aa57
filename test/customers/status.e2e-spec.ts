import type { Response } from 'supertest';
import { TestApp, useTestApp } from '../support/test-app';
import {
  applyStatus,
  bearer,
  changeStatus,
  createCustomer,
  customerInStatus,
  expectCustomer,
  expectNothingWritten,
  expectProblem,
  expectValidationError,
  getCustomer,
  historyOf,
  phonePath,
  recordTransaction,
  Status,
  STATUS_ACTIONS,
  StatusAction,
  STATUSES,
} from '../support/customers';

/** SPEC "Status changes": the table, row by row, and every transition it does not list. */
const ALLOWED: Record<StatusAction, { from: Status[]; to: Status }> = {
  suspend: { from: ['active'], to: 'suspended' },
  ban: { from: ['active', 'suspended'], to: 'banned' },
  reactivate: { from: ['suspended', 'banned', 'deactivated'], to: 'active' },
  deactivate: { from: ['active', 'suspended'], to: 'deactivated' },
  archive: { from: ['active', 'suspended', 'banned', 'deactivated'], to: 'archived' },
};
const allowedCases = STATUS_ACTIONS.flatMap((action) =>
  ALLOWED[action].from.map((from) => [action, from, ALLOWED[action].to] as const),
);
const refusedCases = STATUS_ACTIONS.flatMap((action) =>
  STATUSES.filter((from) => !ALLOWED[action].from.includes(from)).map(
    (from) => [action, from] as const,
  ),
);

jest.setTimeout(120_000);

describe('POST /api/v1/customer/{phone}/{action}', () => {
  let t: TestApp;
  let admin: string;
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
  });

  it('covers the whole table', () => {
    expect(allowedCases).toHaveLength(12);
    expect(refusedCases).toHaveLength(13);
  });

  describe('allowed transitions', () => {
    it.each(allowedCases)(
      '%s from %s → %s: 200 with the updated customer',
      async (action, from, to) => {
        const before = await customerInStatus(t, admin, from);
        const res = await changeStatus(
          t,
          admin,
          before.phone_number,
          action,
          'Reason for the change',
        );
        const after = expectCustomer(res, 200, {
          phone_number: before.phone_number,
          first_name: before.first_name,
          last_name: before.last_name,
          status: to,
          total_transactions: before.total_transactions,
          active_loans: before.active_loans,
          created_at: before.created_at,
        });
        expect(await getCustomer(t, admin, before.phone_number)).toEqual(after);
        const history = await historyOf(t, admin, before.phone_number);
        expect(history.status).toBe(200);
        expect(history.body.items[0]).toMatchObject({
          action: 'customer.status_changed',
          from_status: from,
          to_status: to,
          reason: 'Reason for the change',
          phone_number: before.phone_number,
        });
      },
    );
  });

  describe('refused transitions', () => {
    it.each(refusedCases)(
      '%s from %s: 409 INVALID_STATUS_TRANSITION, nothing changes',
      async (action, from) => {
        const before = await customerInStatus(t, admin, from);
        const res = await expectNothingWritten(t, () =>
          changeStatus(t, admin, before.phone_number, action, 'Reason for the change'),
        );
        expectProblem(res, 409, 'INVALID_STATUS_TRANSITION');
        expect(res.body).toMatchObject({ current_status: from, allowed_from: [...ALLOWED[action].from] });
        expect(await getCustomer(t, admin, before.phone_number)).toEqual(before);
      },
    );
  });

  describe('active loans', () => {
    it.each(['deactivate', 'archive'] as const)(
      'refuses to %s an active customer with a loan: 409 CUSTOMER_HAS_ACTIVE_LOANS',
      async (action) => {
        const customer = await createCustomer(t, admin);
        const withLoan = await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
        const res = await expectNothingWritten(t, () =>
          changeStatus(t, admin, customer.phone_number, action),
        );
        expectProblem(res, 409, 'CUSTOMER_HAS_ACTIVE_LOANS');
        expect(res.body.active_loans).toBe(1);
        expect(await getCustomer(t, admin, customer.phone_number)).toEqual(withLoan);
      },
    );

    it.each(['deactivate', 'archive'] as const)(
      'refuses to %s a suspended customer with a loan: 409 CUSTOMER_HAS_ACTIVE_LOANS',
      async (action) => {
        const customer = await createCustomer(t, admin);
        await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
        const suspended = await applyStatus(t, admin, customer.phone_number, 'suspend');
        expect(suspended).toMatchObject({ status: 'suspended', active_loans: 1 });
        const res = await expectNothingWritten(t, () =>
          changeStatus(t, admin, customer.phone_number, action),
        );
        expectProblem(res, 409, 'CUSTOMER_HAS_ACTIVE_LOANS');
        expect(await getCustomer(t, admin, customer.phone_number)).toEqual(suspended);
      },
    );

    it('refuses to archive a banned customer with a loan: 409 CUSTOMER_HAS_ACTIVE_LOANS', async () => {
      const customer = await createCustomer(t, admin);
      await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
      const banned = await applyStatus(t, admin, customer.phone_number, 'ban');
      const res = await expectNothingWritten(t, () =>
        changeStatus(t, admin, customer.phone_number, 'archive'),
      );
      expectProblem(res, 409, 'CUSTOMER_HAS_ACTIVE_LOANS');
      expect(await getCustomer(t, admin, customer.phone_number)).toEqual(banned);
    });

    it('suspends and bans customers with loans (no loan requirement there)', async () => {
      const a = await createCustomer(t, admin);
      await recordTransaction(t, admin, a.phone_number, 'loan_opened');
      expectCustomer(await changeStatus(t, admin, a.phone_number, 'suspend'), 200, {
        status: 'suspended',
        active_loans: 1,
      });
      expectCustomer(await changeStatus(t, admin, a.phone_number, 'ban'), 200, {
        status: 'banned',
        active_loans: 1,
      });
      expectCustomer(await changeStatus(t, admin, a.phone_number, 'reactivate'), 200, {
        status: 'active',
        active_loans: 1,
      });
    });

    it('deactivates once the last loan is closed', async () => {
      const customer = await createCustomer(t, admin);
      await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
      await recordTransaction(t, admin, customer.phone_number, 'loan_redeemed');
      expectCustomer(await changeStatus(t, admin, customer.phone_number, 'deactivate'), 200, {
        status: 'deactivated',
        active_loans: 0,
      });
    });
  });

  describe('reason', () => {
    it('takes the reason from the query string', async () => {
      const customer = await createCustomer(t, admin);
      const res = await t
        .http()
        .post(`${phonePath(customer.phone_number)}/suspend`)
        .query({ reason: 'Overdue payments' })
        .set(bearer(admin));
      expectCustomer(res, 200, { status: 'suspended' });
      const history = await historyOf(t, admin, customer.phone_number);
      expect(history.body.items[0]).toMatchObject({
        action: 'customer.status_changed',
        reason: 'Overdue payments',
      });
    });

    it('takes the reason from a JSON body', async () => {
      const customer = await createCustomer(t, admin);
      const res = await t
        .http()
        .post(`${phonePath(customer.phone_number)}/ban`)
        .set(bearer(admin))
        .send({ reason: 'Fraud attempt' });
      expectCustomer(res, 200, { status: 'banned' });
      const history = await historyOf(t, admin, customer.phone_number);
      expect(history.body.items[0]).toMatchObject({
        action: 'customer.status_changed',
        reason: 'Fraud attempt',
      });
    });

    it('accepts reasons of 3 and of 500 characters', async () => {
      const customer = await createCustomer(t, admin);
      expectCustomer(await changeStatus(t, admin, customer.phone_number, 'suspend', 'abc'), 200, {
        status: 'suspended',
      });
      expectCustomer(
        await changeStatus(t, admin, customer.phone_number, 'reactivate', 'r'.repeat(500)),
        200,
        { status: 'active' },
      );
    });

    it('records the reason trimmed', async () => {
      const customer = await createCustomer(t, admin);
      await changeStatus(t, admin, customer.phone_number, 'suspend', '  overdue payment  ');
      const [event] = (await historyOf(t, admin, customer.phone_number)).body.items;
      expect(event).toMatchObject({ action: 'customer.status_changed', reason: 'overdue payment' });
    });

    type Send = (phone: string, action: StatusAction) => Promise<Response>;
    const refusals: [string, Send][] = [
      [
        'no reason at all',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .set(bearer(admin))
            .then((r) => r),
      ],
      [
        'an empty JSON body',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .set(bearer(admin))
            .send({})
            .then((r) => r),
      ],
      [
        'a 2-character body reason',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .set(bearer(admin))
            .send({ reason: 'ab' })
            .then((r) => r),
      ],
      [
        'a 501-character body reason',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .set(bearer(admin))
            .send({ reason: 'r'.repeat(501) })
            .then((r) => r),
      ],
      [
        'a 2-character query reason',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .query({ reason: 'ab' })
            .set(bearer(admin))
            .then((r) => r),
      ],
      [
        'a 501-character query reason',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .query({ reason: 'r'.repeat(501) })
            .set(bearer(admin))
            .then((r) => r),
      ],
      [
        'an empty query reason',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .query({ reason: '' })
            .set(bearer(admin))
            .then((r) => r),
      ],
      [
        'a null body reason',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .set(bearer(admin))
            .send({ reason: null })
            .then((r) => r),
      ],
      [
        'a reason of only spaces',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .query({ reason: '     ' })
            .set(bearer(admin))
            .then((r) => r),
      ],
      [
        'a reason of 2 characters padded with spaces',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .set(bearer(admin))
            .send({ reason: '  ab  ' })
            .then((r) => r),
      ],
      [
        'a reason holding a NUL character',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .set(bearer(admin))
            .send({ reason: 'abc\u0000def' })
            .then((r) => r),
      ],
      [
        'a query reason holding a NUL character',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}?reason=abc%00def`)
            .set(bearer(admin))
            .then((r) => r),
      ],
      [
        'a non-string reason',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .set(bearer(admin))
            .send({ reason: 12345 })
            .then((r) => r),
      ],
      [
        'an operator as reason',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .set(bearer(admin))
            .send({ reason: { $ne: null } })
            .then((r) => r),
      ],
      [
        'an unknown body field',
        (phone, action) =>
          t
            .http()
            .post(`${phonePath(phone)}/${action}`)
            .set(bearer(admin))
            .send({ reason: 'Valid reason', status: 'active' })
            .then((r) => r),
      ],
    ];
    for (const action of STATUS_ACTIONS) {
      it.each(refusals)(`${action}: refuses %s (422), changing nothing`, async (label, send) => {
        const from = ALLOWED[action].from[0];
        const customer = await customerInStatus(t, admin, from);
        const res = await expectNothingWritten(t, () => send(customer.phone_number, action));
        expectValidationError(res, label === 'an unknown body field' ? 'status' : 'reason');
        expect((await getCustomer(t, admin, customer.phone_number)).status).toBe(from);
      });
    }
  });

  describe('If-Match', () => {
    const suspend = (phone: string, ifMatch: string) =>
      t
        .http()
        .post(`${phonePath(phone)}/suspend`)
        .set(bearer(admin))
        .set('If-Match', ifMatch)
        .send({ reason: 'With a precondition' });

    it('applies the change when the version matches', async () => {
      const customer = await createCustomer(t, admin);
      expectCustomer(await suspend(customer.phone_number, '"1"'), 200, {
        status: 'suspended',
        version: 2,
      });
    });

    it('refuses a stale version with 412 and the current ETag, changing nothing', async () => {
      const customer = await createCustomer(t, admin);
      await recordTransaction(t, admin, customer.phone_number, 'purchase');
      const res = await expectNothingWritten(t, () => suspend(customer.phone_number, '"1"'));
      expectProblem(res, 412, 'VERSION_MISMATCH');
      expect(res.headers.etag).toBe('"2"');
      expect((await getCustomer(t, admin, customer.phone_number)).status).toBe('active');
    });

    it('lets one of 10 concurrent changes with the same If-Match through', async () => {
      const customer = await createCustomer(t, admin);
      const results = await Promise.all(
        [
          'suspend',
          'ban',
          'deactivate',
          'archive',
          'suspend',
          'ban',
          'deactivate',
          'archive',
          'suspend',
          'ban',
        ].map((action) =>
          t
            .http()
            .post(`${phonePath(customer.phone_number)}/${action}`)
            .set(bearer(admin))
            .set('If-Match', '"1"')
            .send({ reason: 'Race with a precondition' }),
        ),
      );
      const statuses = results.map((res) => res.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.every((status) => status === 200 || status === 412 || status === 409)).toBe(
        true,
      );
      expect(
        (await historyOf(t, admin, customer.phone_number)).body.items.filter(
          (e: { action: string }) => e.action === 'customer.status_changed',
        ),
      ).toHaveLength(1);
    });
  });

  describe('who and which customer', () => {
    it.each(STATUS_ACTIONS)(
      '%s answers 404 CUSTOMER_NOT_FOUND for an unknown phone',
      async (action) => {
        const res = await expectNothingWritten(t, () =>
          changeStatus(t, admin, '5559999999', action, 'Valid reason'),
        );
        expectProblem(res, 404, 'CUSTOMER_NOT_FOUND');
      },
    );

    it.each(STATUS_ACTIONS)('%s refuses a malformed phone (422)', async (action) => {
      expectProblem(await changeStatus(t, admin, '555-ABC-4567', action, 'Valid reason'), 422);
    });

    it.each(STATUS_ACTIONS)('%s is admin only: staff gets 403, nothing changes', async (action) => {
      const from = ALLOWED[action].from[0];
      const customer = await customerInStatus(t, admin, from);
      const staff = await t.userToken('staff');
      const res = await expectNothingWritten(t, () =>
        changeStatus(t, staff, customer.phone_number, action, 'Valid reason'),
      );
      expectProblem(res, 403);
      expect((await getCustomer(t, admin, customer.phone_number)).status).toBe(from);
    });

    it.each(STATUS_ACTIONS)('%s needs a token (401)', async (action) => {
      const customer = await createCustomer(t, admin);
      const res = await expectNothingWritten(t, () =>
        t
          .http()
          .post(`${phonePath(customer.phone_number)}/${action}`)
          .send({ reason: 'Valid reason' }),
      );
      expectProblem(res, 401);
    });

    it('finds the customer through a formatted phone in the path', async () => {
      await createCustomer(t, admin, { phone_number: '5551234567' });
      expectCustomer(await changeStatus(t, admin, '(555) 123-4567', 'suspend'), 200, {
        phone_number: '5551234567',
        status: 'suspended',
      });
    });
  });
});
