import { LoginThrottleService } from '../../src/auth/login-throttle/login-throttle.service';
import { IdempotencyPurge } from '../../src/customers/idempotency.purge';
import { bearer, createCustomer, phonePath } from '../support/customers';
import { TestApp, useTestApp } from '../support/test-app';

jest.setTimeout(120_000);

const HOUR_MS = 60 * 60 * 1000;

/** Bookkeeping that would grow forever is purged on a schedule that works on every engine. */
describe('bounded bookkeeping', () => {
  let t: TestApp;
  useTestApp((app) => (t = app), { IDEMPOTENCY_RETENTION_HOURS: '1' });

  const records = () => t.connection.db!.collection('idempotency_records');

  it('keeps idempotency records only for IDEMPOTENCY_RETENTION_HOURS, and a later retry still counts once', async () => {
    const admin = await t.adminToken();
    const { phone_number: phone } = await createCustomer(t, admin);
    const pay = (key: string) =>
      t
        .http()
        .post(`${phonePath(phone)}/transactions`)
        .set(bearer(admin))
        .set('Idempotency-Key', key)
        .send({ type: 'payment' });
    for (let i = 0; i < 30; i++) await pay(`ticket-${i}`).expect(201);
    expect(await records().countDocuments()).toBe(30);

    // Twenty of them were answered two hours ago: past the retention of one hour.
    const old = (await records().find({}).sort({ at: 1 }).limit(20).toArray()).map((r) => r._id);
    await records().updateMany({ _id: { $in: old } }, { $set: { at: new Date(Date.now() - 2 * HOUR_MS) } });
    expect(await t.app.get(IdempotencyPurge).purge()).toBe(20);
    expect(await records().countDocuments()).toBe(10);

    // A retry of a purged key is still not applied twice.
    const retry = await pay('ticket-0').expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.total_transactions).toBe(30);

    // An hour on, nothing of today is left either.
    expect(await t.app.get(IdempotencyPurge).purge(new Date(Date.now() + 2 * HOUR_MS))).toBe(10);
    expect(await records().countDocuments()).toBe(0);
  });

  it('deletes login-attempt windows that have passed, keeps the current ones', async () => {
    const attempts = t.connection.db!.collection<{ _id: string; window_start: Date; failures: number; pending: number }>('login_attempts');
    await attempts.insertMany([
      { _id: 'gone.user', window_start: new Date(Date.now() - HOUR_MS), failures: 5, pending: 0 },
      { _id: 'current.user', window_start: new Date(), failures: 2, pending: 0 },
    ]);
    expect(await t.app.get(LoginThrottleService).purgeExpired()).toBe(1);
    expect((await attempts.find({}).toArray()).map((a) => a._id)).toEqual(['current.user']);
  });
});
