import { startTestApp, TestApp } from '../support/test-app';

const FIRST = { username: 'first.boss', password: 'first-boss-password' };

// Each test starts its own apps: a second instance takes over the process-global passport strategy.
describe('first start: the bootstrap admin', () => {
  const started: TestApp[] = [];
  const start = async (env: Record<string, string>, databaseName?: string) => {
    const app = await startTestApp(env, { databaseName });
    started.unshift(app); // closed in reverse order; the database's owner last
    return app;
  };
  afterEach(async () => {
    for (const app of started.splice(0)) await app.close();
  });

  const users = (t: TestApp) => t.connection.db!.collection('users');
  const login = (t: TestApp, username: string, password: string) =>
    t.http().post('/api/v1/auth/login').send({ username, password });

  it('creates the admin from ADMIN_USERNAME and ADMIN_PASSWORD on an empty database', async () => {
    const t = await start({ ADMIN_USERNAME: 'First.Boss', ADMIN_PASSWORD: FIRST.password });
    const stored = await users(t).find().toArray();
    expect(stored).toEqual([
      expect.objectContaining({
        username: FIRST.username,
        role: 'admin',
        active: true,
        password_hash: expect.stringMatching(/^\$argon2id\$/),
      }),
    ]);
    expect(JSON.stringify(stored)).not.toContain(FIRST.password);
    const res = await login(t, FIRST.username, FIRST.password).expect(200);
    expect(res.body.role).toBe('admin');
  });

  it('leaves an existing admin alone on later starts', async () => {
    const first = await start({ ADMIN_USERNAME: FIRST.username, ADMIN_PASSWORD: FIRST.password });
    const later = await start(
      { ADMIN_USERNAME: 'second.boss', ADMIN_PASSWORD: 'second-boss-password' },
      first.databaseName,
    );
    expect(await users(later).find().toArray()).toEqual([
      expect.objectContaining({ username: FIRST.username, role: 'admin' }),
    ]);
    await login(later, 'second.boss', 'second-boss-password').expect(401);
    await login(later, FIRST.username, FIRST.password).expect(200);
  });

  it('does not reset the admin password to ADMIN_PASSWORD on later starts', async () => {
    const first = await start({ ADMIN_USERNAME: FIRST.username, ADMIN_PASSWORD: FIRST.password });
    const token = await first.login(FIRST.username, FIRST.password);
    await first
      .http()
      .patch(`/api/v1/auth/users/${FIRST.username}`)
      .set('Authorization', `Bearer ${token}`)
      .send({ password: 'a-changed-admin-password' })
      .expect(200);
    const later = await start(
      { ADMIN_USERNAME: FIRST.username, ADMIN_PASSWORD: FIRST.password },
      first.databaseName,
    );
    await login(later, FIRST.username, FIRST.password).expect(401);
    await login(later, FIRST.username, 'a-changed-admin-password').expect(200);
  });
});
