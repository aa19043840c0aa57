import { TestApp, useTestApp } from '../support/test-app';
import {
  applyStatus,
  bearer,
  CUSTOMERS,
  createCustomer,
  expectProblem,
  recordTransaction,
  TransactionType,
} from '../support/customers';

jest.setTimeout(120_000);

describe('GET /api/v1/customer/stats', () => {
  let t: TestApp;
  let admin: string;
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
  });

  const stats = (token = admin) => t.http().get(`${CUSTOMERS}/stats`).set(bearer(token));

  it('answers zeros, with all five statuses, on an empty database', async () => {
    const res = await stats();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      total_customers: 0,
      by_status: { active: 0, suspended: 0, banned: 0, deactivated: 0, archived: 0 },
      customers_with_active_loans: 0,
      total_active_loans: 0,
      total_transactions: 0,
      new_customers_last_30_days: 0,
    });
  });

  it('answers exact figures for a known set of customers', async () => {
    const make = async (
      types: TransactionType[],
      ...actions: ('suspend' | 'ban' | 'deactivate' | 'archive' | 'reactivate')[]
    ) => {
      const customer = await createCustomer(t, admin);
      for (const type of types) await recordTransaction(t, admin, customer.phone_number, type);
      for (const action of actions) await applyStatus(t, admin, customer.phone_number, action);
    };
    await make(['loan_opened', 'loan_opened', 'purchase']); // active: 2 loans, 3 transactions
    await make(['loan_opened']); // active: 1 loan, 1 transaction
    await make(['loan_opened'], 'suspend'); // suspended: 1 loan, 1 transaction
    await make(['sale'], 'ban'); // banned: 0 loans, 1 transaction
    await make(['payment'], 'deactivate'); // deactivated: 0 loans, 1 transaction
    await make([], 'archive'); // archived: nothing
    await make(['loan_opened', 'loan_forfeited'], 'suspend', 'reactivate'); // active: 0 loans, 1 transaction
    const res = await stats();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      total_customers: 7,
      by_status: { active: 3, suspended: 1, banned: 1, deactivated: 1, archived: 1 },
      customers_with_active_loans: 3,
      total_active_loans: 4,
      total_transactions: 8,
      new_customers_last_30_days: 7,
    });
  });

  it('follows changes: closing loans and changing statuses move the figures', async () => {
    const a = await createCustomer(t, admin);
    await recordTransaction(t, admin, a.phone_number, 'loan_opened');
    expect((await stats()).body).toMatchObject({
      customers_with_active_loans: 1,
      total_active_loans: 1,
      total_transactions: 1,
    });
    await recordTransaction(t, admin, a.phone_number, 'loan_redeemed');
    expect((await stats()).body).toMatchObject({
      customers_with_active_loans: 0,
      total_active_loans: 0,
      total_transactions: 2,
    });
    await applyStatus(t, admin, a.phone_number, 'ban');
    expect((await stats()).body.by_status).toEqual({
      active: 0,
      suspended: 0,
      banned: 1,
      deactivated: 0,
      archived: 0,
    });
  });

  it('is not changed by refused requests', async () => {
    const a = await createCustomer(t, admin, { phone_number: '5551234567' });
    const before = (await stats()).body;
    await t
      .http()
      .post(`${CUSTOMERS}/`)
      .set(bearer(admin))
      .send({ phone_number: '555-123-4567', first_name: 'X', last_name: 'Y' })
      .expect(409);
    await t
      .http()
      .post(`${CUSTOMERS}/${a.phone_number}/transactions`)
      .set(bearer(admin))
      .send({ type: 'loan_redeemed' })
      .expect(409);
    expect((await stats()).body).toEqual(before);
  });

  it('is admin only: staff 403, no token 401', async () => {
    const staff = await t.userToken('staff');
    expectProblem(await stats(staff), 403);
    expectProblem(await t.http().get(`${CUSTOMERS}/stats`), 401);
  });
});
