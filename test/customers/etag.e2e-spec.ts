import { startTestApp, TestApp } from '../support/test-app';
import {
  bearer,
  changeStatus,
  createCustomer,
  CUSTOMERS,
  phonePath,
  transaction,
} from '../support/customers';

jest.setTimeout(120_000);

/** Every response carrying one customer carries its version as ETag; nothing else carries one. */
describe('ETag on customer responses', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
  });
  afterAll(() => t.close());

  it('on create, get, update, every status change and a transaction, it is the body’s version', async () => {
    const { phone_number: phone } = await createCustomer(t, admin);
    const responses = [
      await t.http().get(phonePath(phone)).set(bearer(admin)),
      await t.http().put(phonePath(phone)).set(bearer(admin)).send({ notes: 'regular' }),
      await transaction(t, admin, phone, 'purchase'),
      await transaction(t, admin, phone, 'purchase', 'etag-replay-1'),
      await transaction(t, admin, phone, 'purchase', 'etag-replay-1'), // the replay
      await changeStatus(t, admin, phone, 'suspend'),
      await changeStatus(t, admin, phone, 'reactivate'),
      await changeStatus(t, admin, phone, 'ban'),
      await changeStatus(t, admin, phone, 'reactivate'),
      await changeStatus(t, admin, phone, 'deactivate'),
      await changeStatus(t, admin, phone, 'archive'),
    ];
    for (const res of responses) {
      expect({ status: res.status, etag: res.headers.etag }).toEqual({
        status: res.status,
        etag: `"${res.body.version}"`,
      });
      expect(res.status).toBeLessThan(300);
    }
  });

  it('not on a page, a problem or the stats', async () => {
    const { phone_number: phone } = await createCustomer(t, admin);
    const responses = [
      await t.http().get(CUSTOMERS).set(bearer(admin)),
      await t.http().get(`${CUSTOMERS}/stats`).set(bearer(admin)),
      await t.http().get(phonePath('5550000000')).set(bearer(admin)), // 404
      await changeStatus(t, admin, phone, 'reactivate'), // 409: already active
    ];
    expect(responses.map((res) => res.status)).toEqual([200, 200, 404, 409]);
    for (const res of responses) expect(res.headers.etag).toBeUndefined();
  });

  it('Location only on a created customer, not on a recorded transaction', async () => {
    const created = await t
      .http()
      .post(CUSTOMERS)
      .set(bearer(admin))
      .send({ phone_number: '(555) 222-3333', first_name: 'A', last_name: 'B' });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/api/v1/customer/5552223333');
    const followed = await t.http().get(created.headers.location).set(bearer(admin));
    expect(followed.status).toBe(200);
    const transaction = await t
      .http()
      .post(`${phonePath('5552223333')}/transactions`)
      .set(bearer(admin))
      .send({ type: 'purchase' });
    expect(transaction.status).toBe(201);
    expect(transaction.headers.location).toBeUndefined();
  });
});
