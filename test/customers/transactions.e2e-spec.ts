import { TestApp, useTestApp } from '../support/test-app';
import {
  applyStatus,
  auditEvents,
  bearer,
  createCustomer,
  customerInStatus,
  expectCustomer,
  expectNothingWritten,
  expectProblem,
  expectValidationError,
  getCustomer,
  phonePath,
  recordTransaction,
  transaction,
  TransactionType,
} from '../support/customers';

/** SPEC "Transactions": each type's effect, when it is allowed, and idempotent retries. */
const EFFECTS: Record<TransactionType, { loans: number; total: number }> = {
  loan_opened: { loans: +1, total: +1 },
  loan_redeemed: { loans: -1, total: +1 },
  loan_forfeited: { loans: -1, total: 0 },
  purchase: { loans: 0, total: +1 },
  sale: { loans: 0, total: +1 },
  payment: { loans: 0, total: +1 },
};
const TYPES = Object.keys(EFFECTS) as TransactionType[];
const NEEDS_ACTIVE: TransactionType[] = [
  'loan_opened',
  'loan_redeemed',
  'purchase',
  'sale',
  'payment',
];

jest.setTimeout(120_000);

describe('POST /api/v1/customer/{phone}/transactions', () => {
  let t: TestApp;
  let admin: string;
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
  });

  /** An active customer with two open loans and two transactions. */
  async function customerWithTwoLoans() {
    const customer = await createCustomer(t, admin);
    await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
    return recordTransaction(t, admin, customer.phone_number, 'loan_opened');
  }

  describe('effects', () => {
    it.each(TYPES)(
      '%s changes the counters exactly as the table says and answers 201 with the customer',
      async (type) => {
        const before = await customerWithTwoLoans();
        expect(before).toMatchObject({ active_loans: 2, total_transactions: 2 });
        const res = await transaction(t, admin, before.phone_number, type);
        const after = expectCustomer(res, 201, {
          phone_number: before.phone_number,
          first_name: before.first_name,
          status: 'active',
          active_loans: 2 + EFFECTS[type].loans,
          total_transactions: 2 + EFFECTS[type].total,
        });
        expect(await getCustomer(t, admin, before.phone_number)).toEqual(after);
      },
    );

    it('starts a fresh customer at zero and counts a mixed sequence exactly', async () => {
      const customer = await createCustomer(t, admin);
      const sequence: TransactionType[] = [
        'loan_opened',
        'loan_opened',
        'purchase',
        'loan_redeemed',
        'sale',
        'loan_opened',
        'loan_forfeited',
        'payment',
      ];
      let last = customer;
      for (const type of sequence)
        last = await recordTransaction(t, admin, customer.phone_number, type);
      // loans: +1 +1 0 -1 0 +1 -1 0 = 1 ; total: 1+1+1+1+1+1+0+1 = 7
      expect(last).toMatchObject({ active_loans: 1, total_transactions: 7, status: 'active' });
      expect(await getCustomer(t, admin, customer.phone_number)).toMatchObject({
        active_loans: 1,
        total_transactions: 7,
      });
    });

    it('lets staff record transactions', async () => {
      const customer = await createCustomer(t, admin);
      const staff = await t.userToken('staff');
      expectCustomer(await transaction(t, staff, customer.phone_number, 'purchase'), 201, {
        total_transactions: 1,
        active_loans: 0,
      });
    });

    it('finds the customer through a formatted phone in the path', async () => {
      await createCustomer(t, admin, { phone_number: '5551234567' });
      expectCustomer(await transaction(t, admin, '(555) 123-4567', 'loan_opened'), 201, {
        phone_number: '5551234567',
        active_loans: 1,
      });
    });
  });

  describe('when a transaction is refused', () => {
    // Suspended and banned customers hold a loan here, so only the status can be what refuses. Deactivated and
    // archived customers cannot hold loans, so loan_redeemed there fails both rules: either code would be right.
    const notActiveCases = (['suspended', 'banned', 'deactivated', 'archived'] as const).flatMap(
      (status) =>
        NEEDS_ACTIVE.filter(
          (type) =>
            !(type === 'loan_redeemed' && (status === 'deactivated' || status === 'archived')),
        ).map((type) => [status, type] as const),
    );
    it.each(notActiveCases)(
      'a %s customer gets 409 CUSTOMER_NOT_ACTIVE for %s, nothing changes',
      async (status, type) => {
        const customer = await createCustomer(t, admin);
        const holdsLoan = status === 'suspended' || status === 'banned';
        if (holdsLoan) await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
        const action = (
          {
            suspended: 'suspend',
            banned: 'ban',
            deactivated: 'deactivate',
            archived: 'archive',
          } as const
        )[status];
        const current = await applyStatus(t, admin, customer.phone_number, action);
        expect(current).toMatchObject({ status, active_loans: holdsLoan ? 1 : 0 });
        const res = await expectNothingWritten(t, () =>
          transaction(t, admin, customer.phone_number, type),
        );
        expectProblem(res, 409, 'CUSTOMER_NOT_ACTIVE');
        expect(await getCustomer(t, admin, customer.phone_number)).toEqual(current);
      },
    );

    it.each(['suspended', 'banned'] as const)(
      'loan_forfeited works for a %s customer with a loan',
      async (status) => {
        const customer = await createCustomer(t, admin);
        await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
        await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
        await applyStatus(
          t,
          admin,
          customer.phone_number,
          status === 'suspended' ? 'suspend' : 'ban',
        );
        const res = await transaction(t, admin, customer.phone_number, 'loan_forfeited');
        expectCustomer(res, 201, { status, active_loans: 1, total_transactions: 2 });
        expect(await getCustomer(t, admin, customer.phone_number)).toMatchObject({
          status,
          active_loans: 1,
          total_transactions: 2,
        });
      },
    );

    it.each(['loan_redeemed', 'loan_forfeited'] as const)(
      '%s with no open loan: 409 NO_ACTIVE_LOANS, nothing changes',
      async (type) => {
        const customer = await createCustomer(t, admin);
        const current = await recordTransaction(t, admin, customer.phone_number, 'purchase');
        const res = await expectNothingWritten(t, () =>
          transaction(t, admin, customer.phone_number, type),
        );
        expectProblem(res, 409, 'NO_ACTIVE_LOANS');
        expect(await getCustomer(t, admin, customer.phone_number)).toEqual(current);
      },
    );

    it('loan_forfeited on a deactivated customer (no loans): 409 NO_ACTIVE_LOANS', async () => {
      const customer = await customerInStatus(t, admin, 'deactivated');
      const res = await expectNothingWritten(t, () =>
        transaction(t, admin, customer.phone_number, 'loan_forfeited'),
      );
      expectProblem(res, 409, 'NO_ACTIVE_LOANS');
    });

    it('never takes active_loans below zero', async () => {
      const customer = await createCustomer(t, admin);
      await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
      await recordTransaction(t, admin, customer.phone_number, 'loan_redeemed');
      expectProblem(
        await transaction(t, admin, customer.phone_number, 'loan_redeemed'),
        409,
        'NO_ACTIVE_LOANS',
      );
      expect(await getCustomer(t, admin, customer.phone_number)).toMatchObject({
        active_loans: 0,
        total_transactions: 2,
      });
    });

    const badBodies: [string, unknown, string | undefined][] = [
      ['an unknown type', { type: 'gift' }, 'type'],
      ['an upper-case type', { type: 'LOAN_OPENED' }, 'type'],
      ['a missing type', {}, 'type'],
      ['a null type', { type: null }, 'type'],
      ['a numeric type', { type: 1 }, 'type'],
      ['an operator as type', { type: { $in: ['purchase'] } }, 'type'],
      ['an unknown field', { type: 'purchase', active_loans: 5 }, 'active_loans'],
    ];
    it.each(badBodies)('refuses %s (422), nothing changes', async (_label, body, field) => {
      const customer = await createCustomer(t, admin);
      const res = await expectNothingWritten(t, () =>
        t
          .http()
          .post(`${phonePath(customer.phone_number)}/transactions`)
          .set(bearer(admin))
          .send(body as object),
      );
      expectValidationError(res, field);
      expect(await getCustomer(t, admin, customer.phone_number)).toEqual(customer);
    });

    it('answers 404 CUSTOMER_NOT_FOUND for an unknown phone', async () => {
      const res = await expectNothingWritten(t, () =>
        transaction(t, admin, '5559999999', 'purchase'),
      );
      expectProblem(res, 404, 'CUSTOMER_NOT_FOUND');
    });

    it('refuses a malformed phone (422)', async () => {
      expectProblem(await transaction(t, admin, '55512345', 'purchase'), 422);
    });

    it('needs a token (401)', async () => {
      const customer = await createCustomer(t, admin);
      const res = await expectNothingWritten(t, () =>
        t
          .http()
          .post(`${phonePath(customer.phone_number)}/transactions`)
          .send({ type: 'purchase' }),
      );
      expectProblem(res, 401);
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a retry with the first result and changes nothing', async () => {
      const customer = await createCustomer(t, admin);
      const first = await transaction(t, admin, customer.phone_number, 'loan_opened', 'key-0001');
      const created = expectCustomer(first, 201, { active_loans: 1, total_transactions: 1 });
      const retry = await expectNothingWritten(t, () =>
        transaction(t, admin, customer.phone_number, 'loan_opened', 'key-0001'),
      );
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(created);
      expect(await getCustomer(t, admin, customer.phone_number)).toMatchObject({
        active_loans: 1,
        total_transactions: 1,
      });
      const events = await auditEvents(t, admin, { action: 'customer.transaction_recorded' });
      expect(events.body.total).toBe(1);
    });

    it('still answers the first result after the customer changed', async () => {
      const customer = await createCustomer(t, admin);
      const first = await transaction(t, admin, customer.phone_number, 'purchase', 'key-0002');
      expect(first.status).toBe(201);
      await recordTransaction(t, admin, customer.phone_number, 'sale');
      const retry = await transaction(t, admin, customer.phone_number, 'purchase', 'key-0002');
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(await getCustomer(t, admin, customer.phone_number)).toMatchObject({
        total_transactions: 2,
      });
    });

    it('counts requests with different keys separately', async () => {
      const customer = await createCustomer(t, admin);
      expectCustomer(
        await transaction(t, admin, customer.phone_number, 'loan_opened', 'key-a'),
        201,
        { active_loans: 1 },
      );
      expectCustomer(
        await transaction(t, admin, customer.phone_number, 'loan_opened', 'key-b'),
        201,
        { active_loans: 2 },
      );
      expectCustomer(await transaction(t, admin, customer.phone_number, 'loan_opened'), 201, {
        active_loans: 3,
      });
      expectCustomer(await transaction(t, admin, customer.phone_number, 'loan_opened'), 201, {
        active_loans: 4,
      });
    });
  });

  describe('audit', () => {
    it('records each transaction as an audit event with its type', async () => {
      const customer = await createCustomer(t, admin);
      await recordTransaction(t, admin, customer.phone_number, 'loan_opened');
      await recordTransaction(t, admin, customer.phone_number, 'payment');
      const res = await auditEvents(t, admin, { action: 'customer.transaction_recorded' });
      expect(res.status).toBe(200);
      expect(res.body.items.map((e: { transaction_type: string }) => e.transaction_type)).toEqual([
        'payment',
        'loan_opened',
      ]);
    });
  });
});
