import { expectProblem, withoutRequestId } from '../platform/problem-assertions';
import { ADMIN, TestApp, useTestApp } from '../support/test-app';

describe('POST /api/v1/auth/login', () => {
  let t: TestApp;
  useTestApp((app) => (t = app));

  const login = (body: unknown) =>
    t
      .http()
      .post('/api/v1/auth/login')
      .send(body as object);

  it('returns a bearer token for the bootstrap admin', async () => {
    const res = await login(ADMIN).expect(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      role: 'admin',
    });
    const me = await t
      .http()
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${res.body.access_token}`)
      .expect(200);
    expect(me.body).toEqual({ username: ADMIN.username, role: 'admin' });
  });

  it("returns the user's role", async () => {
    const admin = await t.adminToken();
    await t
      .http()
      .post('/api/v1/auth/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ username: 'clerk.jane', password: 'clerk-jane-password', role: 'staff' })
      .expect(201);
    const res = await login({ username: 'clerk.jane', password: 'clerk-jane-password' }).expect(
      200,
    );
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      role: 'staff',
    });
  });

  it('treats the username case-insensitively', async () => {
    await login({ username: ADMIN.username.toUpperCase(), password: ADMIN.password }).expect(200);
  });

  it('answers a wrong password and an unknown username with the same 401', async () => {
    const wrongPassword = await login({ username: ADMIN.username, password: 'not-the-password' });
    const unknownUser = await login({ username: 'nobody.here', password: 'not-the-password' });
    expectProblem(wrongPassword, 401, 'INVALID_CREDENTIALS');
    expectProblem(unknownUser, 401, 'INVALID_CREDENTIALS');
    expect(withoutRequestId(unknownUser.body)).toEqual(withoutRequestId(wrongPassword.body));
    expect(unknownUser.headers['www-authenticate']).toEqual(
      wrongPassword.headers['www-authenticate'],
    );
  });

  it('refuses a password that differs only in case', async () => {
    expectProblem(
      await login({ username: ADMIN.username, password: ADMIN.password.toUpperCase() }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it.each([
    ['an operator as username', { username: { $ne: null }, password: 'x' }],
    ['an operator as password', { username: ADMIN.username, password: { $gt: '' } }],
    ['an operator as both', { username: { $gt: '' }, password: { $ne: null } }],
    ['a regex operator as username', { username: { $regex: '.*' }, password: 'x' }],
  ])('refuses %s with 422, never as a query', async (_why, body) => {
    const res = await login(body);
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: expect.any(String), message: expect.any(String) }),
      ]),
    );
  });

  it.each([
    ['no body', undefined, ['password', 'username']],
    ['an empty object', {}, ['password', 'username']],
    ['no password', { username: ADMIN.username }, ['password']],
    ['no username', { password: ADMIN.password }, ['username']],
    ['an empty username', { username: '', password: ADMIN.password }, ['username']],
    ['an empty password', { username: ADMIN.username, password: '' }, ['password']],
    ['a number as password', { username: ADMIN.username, password: 12345678901234 }, ['password']],
  ])('refuses %s with 422 naming the fields', async (_why, body, fields) => {
    const res = await (body === undefined ? t.http().post('/api/v1/auth/login') : login(body));
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(fields);
  });

  it('refuses unknown fields with 422, even with the right password', async () => {
    const res = await login({ ...ADMIN, role: 'admin' });
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'role' })]);
  });

  it('refuses a JSON array as the body', async () => {
    expectProblem(await login([ADMIN]), 422, 'VALIDATION_FAILED');
  });

  it('does not count validation failures as failed logins', async () => {
    for (let i = 0; i < 6; i++)
      await login({ username: ADMIN.username, password: { $ne: null } }).expect(422);
    await login(ADMIN).expect(200);
  });
});
