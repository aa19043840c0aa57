import { expectProblem } from '../platform/problem-assertions';
import { ADMIN, TestApp, useTestApp } from '../support/test-app';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PASSWORD_HASH = /^(\$argon2id\$|\$2[aby]\$\d{2}\$)/;
const JANE = { username: 'clerk.jane', password: 'clerk-jane-password', role: 'staff' };

describe('users and roles', () => {
  let t: TestApp;
  let admin: string;
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
  });

  const bearer = (token: string) => `Bearer ${token}`;
  const createUser = (body: object, token = admin) =>
    t.http().post('/api/v1/auth/users').set('Authorization', bearer(token)).send(body);
  const updateUser = (username: string, body: object, token = admin) =>
    t.http().patch(`/api/v1/auth/users/${username}`).set('Authorization', bearer(token)).send(body);
  const listUsers = (token = admin) =>
    t.http().get('/api/v1/auth/users').set('Authorization', bearer(token));
  const me = (token: string) => t.http().get('/api/v1/auth/me').set('Authorization', bearer(token));
  const storedUser = (username: string) =>
    t.connection.db!.collection('users').findOne({ username });

  describe('GET /api/v1/auth/me', () => {
    it('tells staff and admins who they are', async () => {
      await createUser(JANE).expect(201);
      const staff = await t.login(JANE.username, JANE.password);
      expect((await me(staff).expect(200)).body).toEqual({
        username: JANE.username,
        role: 'staff',
      });
      expect((await me(admin).expect(200)).body).toEqual({
        username: ADMIN.username,
        role: 'admin',
      });
    });
  });

  describe('admin only', () => {
    it('refuses staff with 403 on every user-management route', async () => {
      const staff = await t.userToken('staff');
      expectProblem(await listUsers(staff), 403, 'FORBIDDEN');
      expectProblem(await createUser(JANE, staff), 403, 'FORBIDDEN');
      expectProblem(await updateUser(ADMIN.username, { active: false }, staff), 403, 'FORBIDDEN');
      expect((await storedUser(ADMIN.username))!.active).toBe(true);
      expect(await storedUser(JANE.username)).toBeNull();
    });

    it('refuses anonymous callers with 401', async () => {
      expectProblem(await t.http().get('/api/v1/auth/users'), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http().post('/api/v1/auth/users').send(JANE), 401, 'UNAUTHENTICATED');
      expectProblem(
        await t.http().patch(`/api/v1/auth/users/${ADMIN.username}`).send({ active: false }),
        401,
        'UNAUTHENTICATED',
      );
    });
  });

  describe('POST /api/v1/auth/users', () => {
    it('creates a user: 201 without the password, who can then log in', async () => {
      const res = await createUser(JANE).expect(201);
      expect(res.body).toEqual({
        username: JANE.username,
        role: 'staff',
        active: true,
        created_at: expect.stringMatching(ISO_UTC),
        updated_at: expect.stringMatching(ISO_UTC),
      });
      expect(res.text).not.toContain(JANE.password);
      expect(res.text).not.toMatch(/hash|\$argon2|\$2[aby]\$/i);
      const login = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: JANE.username, password: JANE.password })
        .expect(200);
      expect(login.body.role).toBe('staff');
    });

    it('creates admins too', async () => {
      await createUser({ ...JANE, role: 'admin' }).expect(201);
      const token = await t.login(JANE.username, JANE.password);
      await listUsers(token).expect(200);
    });

    it('stores the password as an argon2id or bcrypt hash, never in clear', async () => {
      await createUser(JANE).expect(201);
      const stored = await storedUser(JANE.username);
      expect(stored!.password_hash).toMatch(PASSWORD_HASH);
      expect(JSON.stringify(stored)).not.toContain(JANE.password);
    });

    it('answers a duplicate username with 409 USERNAME_TAKEN and keeps the first user', async () => {
      await createUser(JANE).expect(201);
      expectProblem(
        await createUser({ ...JANE, password: 'another-long-password', role: 'admin' }),
        409,
        'USERNAME_TAKEN',
      );
      expectProblem(await createUser({ ...JANE, username: ADMIN.username }), 409, 'USERNAME_TAKEN');
      expect(
        await t.connection.db!.collection('users').countDocuments({ username: JANE.username }),
      ).toBe(1);
      expect((await storedUser(JANE.username))!.role).toBe('staff');
      await t.login(JANE.username, JANE.password);
    });

    it('stores a username trimmed and lower-case, as login reads it', async () => {
      const res = await createUser({ ...JANE, username: '  Clerk.JANE ' }).expect(201);
      expect(res.body.username).toBe(JANE.username);
      await t.login('CLERK.jane', JANE.password);
      expectProblem(await createUser(JANE), 409, 'USERNAME_TAKEN');
    });

    it('accepts a password of exactly 12 characters', async () => {
      await createUser({ ...JANE, password: 'x'.repeat(12) }).expect(201);
    });

    it.each([
      ['a password under 12 characters', { ...JANE, password: 'x'.repeat(11) }, 'password'],
      ['a missing password', { username: JANE.username, role: 'staff' }, 'password'],
      ['an unknown role', { ...JANE, role: 'owner' }, 'role'],
      ['a missing role', { username: JANE.username, password: JANE.password }, 'role'],
      ['a password of only spaces', { ...JANE, password: ' '.repeat(16) }, 'password'],
      ['a too short username', { ...JANE, username: 'jo' }, 'username'],
      ['an operator as username', { ...JANE, username: { $gt: '' } }, 'username'],
      ['an unknown field', { ...JANE, active: false }, 'active'],
      [
        'a smuggled hash',
        { ...JANE, password_hash: '$argon2id$v=19$m=65536,t=3,p=4$x$y' },
        'password_hash',
      ],
    ])('refuses %s with 422 and creates nobody', async (_why, body, field) => {
      const res = await createUser(body);
      expectProblem(res, 422, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await t.connection.db!.collection('users').countDocuments()).toBe(1);
    });
  });

  describe('GET /api/v1/auth/users', () => {
    it('lists users without any hash or password', async () => {
      await createUser(JANE).expect(201);
      const res = await listUsers().expect(200);
      expect(res.body).toEqual({ items: expect.any(Array), total: 2, page: 1, per_page: 10, pages: 1 });
      expect(res.body.items).toEqual([
        {
          username: JANE.username,
          role: 'staff',
          active: true,
          created_at: expect.stringMatching(ISO_UTC),
          updated_at: expect.stringMatching(ISO_UTC),
        },
        {
          username: ADMIN.username,
          role: 'admin',
          active: true,
          created_at: expect.stringMatching(ISO_UTC),
          updated_at: expect.stringMatching(ISO_UTC),
        },
      ]);
      expect(res.text).not.toMatch(/hash|password|\$argon2|\$2[aby]\$/i);
    });

    it('pages by username like the other lists (page, per_page)', async () => {
      await createUser(JANE).expect(201);
      await createUser({ ...JANE, username: 'alpha.clerk' }).expect(201);
      const second = await t.http().get('/api/v1/auth/users?page=2&per_page=2').set('Authorization', bearer(admin)).expect(200);
      expect(second.body).toMatchObject({ total: 3, page: 2, per_page: 2, pages: 2 });
      expect(second.body.items.map((user: { username: string }) => user.username)).toEqual([ADMIN.username]);
      const first = await t.http().get('/api/v1/auth/users?per_page=2').set('Authorization', bearer(admin)).expect(200);
      expect(first.body.items.map((user: { username: string }) => user.username)).toEqual(['alpha.clerk', JANE.username]);
    });

    it.each(['page=0', 'per_page=101', 'page=1.5', 'per_page=x'])('refuses %s (422)', async (query) => {
      const res = await t.http().get(`/api/v1/auth/users?${query}`).set('Authorization', bearer(admin));
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('PATCH /api/v1/auth/users/{username}', () => {
    beforeEach(() => createUser(JANE).expect(201));

    it('changes the role', async () => {
      const res = await updateUser(JANE.username, { role: 'admin' }).expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({ username: JANE.username, role: 'admin', active: true }),
      );
      expect(res.body).not.toHaveProperty('password_hash');
      expect((await storedUser(JANE.username))!.role).toBe('admin');
    });

    it('disables and re-enables a user', async () => {
      expect((await updateUser(JANE.username, { active: false }).expect(200)).body).toMatchObject({
        active: false,
      });
      expect((await storedUser(JANE.username))!.active).toBe(false);
      expect((await updateUser(JANE.username, { active: true }).expect(200)).body).toMatchObject({
        active: true,
      });
      await t.login(JANE.username, JANE.password);
    });

    it('changes the password: the old one stops working, the new one is hashed', async () => {
      const before = (await storedUser(JANE.username))!.password_hash;
      const res = await updateUser(JANE.username, { password: 'a-brand-new-password' }).expect(200);
      expect(res.text).not.toContain('a-brand-new-password');
      const after = (await storedUser(JANE.username))!.password_hash;
      expect(after).toMatch(PASSWORD_HASH);
      expect(after).not.toBe(before);
      expectProblem(
        await t
          .http()
          .post('/api/v1/auth/login')
          .send({ username: JANE.username, password: JANE.password }),
        401,
        'INVALID_CREDENTIALS',
      );
      await t.login(JANE.username, 'a-brand-new-password');
    });

    it('answers an unknown user with 404', async () => {
      expectProblem(await updateUser('nobody.here', { role: 'admin' }), 404, 'USER_NOT_FOUND');
      expect(await storedUser('nobody.here')).toBeNull();
    });

    it.each([
      ['an empty body', {}, undefined],
      ['a password under 12 characters', { password: 'short-pass1' }, 'password'],
      ['an unknown role', { role: 'owner' }, 'role'],
      ['a non-boolean active', { active: 'no' }, 'active'],
      ['an unknown field', { username: 'renamed.jane' }, 'username'],
      ['an operator', { role: { $ne: 'staff' } }, 'role'],
      ['a null role', { role: null }, 'role'],
      ['a null active', { active: null }, 'active'],
      ['a null password', { password: null }, 'password'],
      ['a password of only spaces', { password: ' '.repeat(12) }, 'password'],
    ])('refuses %s with 422 and changes nothing', async (_why, body, field) => {
      const before = await storedUser(JANE.username);
      const res = await updateUser(JANE.username, body);
      expectProblem(res, 422, 'VALIDATION_FAILED');
      if (field)
        expect(res.body.errors).toEqual(
          expect.arrayContaining([expect.objectContaining({ field })]),
        );
      expect(await storedUser(JANE.username)).toEqual(before);
    });

    it('finds the user whatever the case of the username in the path', async () => {
      const res = await updateUser('Clerk.Jane', { role: 'admin' }).expect(200);
      expect(res.body).toMatchObject({ username: JANE.username, role: 'admin' });
    });

    it('refuses null for the own account too, so an admin cannot lock themselves out that way', async () => {
      for (const body of [{ active: null }, { role: null }]) {
        expectProblem(await updateUser(ADMIN.username, body), 422, 'VALIDATION_FAILED');
      }
      expect(await storedUser(ADMIN.username)).toMatchObject({ role: 'admin', active: true });
    });

    it('refuses a malformed username in the path with 422', async () => {
      expectProblem(await updateUser('Bad%20Name', { role: 'admin' }), 422, 'VALIDATION_FAILED');
    });

    it('stops an admin from disabling or demoting themselves', async () => {
      expectProblem(await updateUser(ADMIN.username, { active: false }), 409, 'CANNOT_DEMOTE_SELF');
      expectProblem(await updateUser(ADMIN.username, { role: 'staff' }), 409, 'CANNOT_DEMOTE_SELF');
      expect(await storedUser(ADMIN.username)).toMatchObject({ role: 'admin', active: true });
    });
  });

  describe('changes apply to existing tokens at once', () => {
    it("a disabled user's token gets 401 on the next request, and they cannot log in", async () => {
      await createUser(JANE).expect(201);
      const token = await t.login(JANE.username, JANE.password);
      await me(token).expect(200);
      await updateUser(JANE.username, { active: false }).expect(200);
      expectProblem(await me(token), 401, 'UNAUTHENTICATED');
      expectProblem(
        await t
          .http()
          .post('/api/v1/auth/login')
          .send({ username: JANE.username, password: JANE.password }),
        401,
        'INVALID_CREDENTIALS',
      );
    });

    it("a re-enabled user's tokens from before the disable stay dead; a new login works", async () => {
      await createUser(JANE).expect(201);
      const token = await t.login(JANE.username, JANE.password);
      await updateUser(JANE.username, { active: false }).expect(200);
      await updateUser(JANE.username, { active: true }).expect(200);
      expectProblem(await me(token), 401, 'UNAUTHENTICATED');
      await me(await t.login(JANE.username, JANE.password)).expect(200);
    });

    it('a password change revokes the tokens issued before it; a role change does not', async () => {
      await createUser(JANE).expect(201);
      const before = await t.login(JANE.username, JANE.password);
      await updateUser(JANE.username, { role: 'admin' }).expect(200);
      await me(before).expect(200);
      await updateUser(JANE.username, { password: 'a-brand-new-password' }).expect(200);
      expectProblem(await me(before), 401, 'UNAUTHENTICATED');
      await me(await t.login(JANE.username, 'a-brand-new-password')).expect(200);
    });

    it("a disabled admin's token loses admin access at once", async () => {
      await createUser({ ...JANE, role: 'admin' }).expect(201);
      const token = await t.login(JANE.username, JANE.password);
      await listUsers(token).expect(200);
      await updateUser(JANE.username, { active: false }).expect(200);
      expectProblem(await listUsers(token), 401, 'UNAUTHENTICATED');
      expectProblem(
        await updateUser(ADMIN.username, { role: 'staff' }, token),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('a promotion from staff to admin applies to the existing token', async () => {
      await createUser(JANE).expect(201);
      const token = await t.login(JANE.username, JANE.password);
      expectProblem(await listUsers(token), 403, 'FORBIDDEN');
      await updateUser(JANE.username, { role: 'admin' }).expect(200);
      await listUsers(token).expect(200);
      expect((await me(token).expect(200)).body).toEqual({
        username: JANE.username,
        role: 'admin',
      });
    });

    it('a demotion from admin to staff applies to the existing token', async () => {
      await createUser({ ...JANE, role: 'admin' }).expect(201);
      const token = await t.login(JANE.username, JANE.password);
      await listUsers(token).expect(200);
      await updateUser(JANE.username, { role: 'staff' }).expect(200);
      expectProblem(await listUsers(token), 403, 'FORBIDDEN');
      expectProblem(
        await createUser(
          { username: 'sneaky.one', password: 'sneaky-one-password', role: 'admin' },
          token,
        ),
        403,
        'FORBIDDEN',
      );
      expect((await me(token).expect(200)).body).toEqual({
        username: JANE.username,
        role: 'staff',
      });
    });
  });
});
