import { TestApp, useTestApp } from '../support/test-app';
import {
  AUDIT,
  bearer,
  CUSTOMERS,
  createCustomer,
  expectNothingWritten,
  expectProblem,
  getCustomer,
} from '../support/customers';

/** Who may call the customer and audit routes (SPEC "Customer endpoints", "Who" column). */
jest.setTimeout(120_000);

describe('customer and audit routes: authentication and roles', () => {
  let t: TestApp;
  let admin: string;
  const PHONE = '5551234567';
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
    await createCustomer(t, admin, { phone_number: PHONE });
  });

  type Route = [method: 'get' | 'post' | 'put', path: string, body?: object];
  const staffRoutes: Route[] = [
    ['post', `${CUSTOMERS}/`, { phone_number: '5559876543', first_name: 'A', last_name: 'B' }],
    ['get', `${CUSTOMERS}/`],
    ['get', `${CUSTOMERS}/${PHONE}`],
    ['put', `${CUSTOMERS}/${PHONE}`, { notes: 'x' }],
    ['post', `${CUSTOMERS}/${PHONE}/transactions`, { type: 'purchase' }],
    ['get', `${CUSTOMERS}/${PHONE}/history`],
  ];
  const adminRoutes: Route[] = [
    ['get', `${CUSTOMERS}/stats`],
    ['post', `${CUSTOMERS}/${PHONE}/suspend`, { reason: 'Valid reason' }],
    ['post', `${CUSTOMERS}/${PHONE}/ban`, { reason: 'Valid reason' }],
    ['post', `${CUSTOMERS}/${PHONE}/reactivate`, { reason: 'Valid reason' }],
    ['post', `${CUSTOMERS}/${PHONE}/deactivate`, { reason: 'Valid reason' }],
    ['post', `${CUSTOMERS}/${PHONE}/archive`, { reason: 'Valid reason' }],
    ['get', AUDIT],
  ];
  const call = ([method, path, body]: Route, headers: Record<string, string> = {}) => {
    const req = t.http()[method](path).set(headers);
    return body ? req.send(body) : req;
  };

  it.each([...staffRoutes, ...adminRoutes])(
    '%s %s without a token: 401, nothing written',
    async (...route) => {
      const res = await expectNothingWritten(t, () => call(route as Route));
      expectProblem(res, 401);
    },
  );

  it.each([...staffRoutes, ...adminRoutes])('%s %s with a bad token: 401', async (...route) => {
    expectProblem(
      await call(route as Route, {
        Authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJyb290LmFkbWluIn0.',
      }),
      401,
    );
  });

  it.each(adminRoutes)('%s %s as staff: 403, nothing written', async (...route) => {
    const staff = await t.userToken('staff');
    const res = await expectNothingWritten(t, () => call(route as Route, bearer(staff)));
    expectProblem(res, 403);
    expect((await getCustomer(t, admin, PHONE)).status).toBe('active');
  });

  it.each(staffRoutes)('%s %s as staff: allowed', async (...route) => {
    const staff = await t.userToken('staff');
    const res = await call(route as Route, bearer(staff));
    expect([200, 201]).toContain(res.status);
  });

  it('a disabled staff user is refused at once (401)', async () => {
    const staff = await t.userToken('staff', 'clerk.gone');
    await t.http().get(`${CUSTOMERS}/${PHONE}`).set(bearer(staff)).expect(200);
    await t
      .http()
      .patch('/api/v1/auth/users/clerk.gone')
      .set(bearer(admin))
      .send({ active: false })
      .expect(200);
    expectProblem(await t.http().get(`${CUSTOMERS}/${PHONE}`).set(bearer(staff)), 401);
  });
});
